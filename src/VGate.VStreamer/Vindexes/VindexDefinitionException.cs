namespace VGate.VStreamer.Vindexes;

/// <summary>A vindex definition (type and parameters, as in a VSchema) that cannot be built; the message says why.</summary>
public sealed class VindexDefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VindexDefinitionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public VindexDefinitionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public VindexDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
