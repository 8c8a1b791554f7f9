namespace VGate.Testing;

/// <summary>A throwaway MariaDB server could not be found, initialised, started or stopped.</summary>
public sealed class MariaDbServerException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public MariaDbServerException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MariaDbServerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public MariaDbServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal static MariaDbServerException StartFailed(string what, string detail, Exception? innerException = null) =>
        new($"{what}{Environment.NewLine}{detail}{Environment.NewLine}{ServerRequirement.FailureHint}", innerException);
}
