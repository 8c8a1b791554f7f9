namespace VGate.Kafka.Cli;

/// <summary>The command line is wrong; the message names the option. Exit code 2.</summary>
public sealed class SinkUsageException : Exception
{
    /// <summary>Creates an exception.</summary>
    public SinkUsageException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public SinkUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public SinkUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
