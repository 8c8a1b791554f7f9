namespace VGate.Cli;

/// <summary>The command line is wrong; the message says how. The CLI prints it with the command's usage and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
