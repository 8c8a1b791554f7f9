namespace VGate.Kafka.Sink;

/// <summary>Why the sink stopped; each maps to a process exit code (docs/kafka-sink.md).</summary>
public enum SinkFailure
{
    /// <summary>The configuration is invalid (exit code 1).</summary>
    Configuration = 1,

    /// <summary>Kafka failed in a way the sink must not paper over: a fatal producer error, a failed delivery, fencing (exit code 3).</summary>
    Kafka = 3,

    /// <summary>The gateway refused the stream for good (bad position, permissions) or stayed unreachable past the retry limit (exit code 4).</summary>
    Gateway = 4,
}

/// <summary>
/// A condition that stops the sink. Nothing after the last checkpoint is lost: the next start reads back what was
/// written and continues from there.
/// </summary>
public sealed class KafkaSinkException : Exception
{
    /// <summary>Creates an exception.</summary>
    public KafkaSinkException()
        : this(SinkFailure.Kafka, "The Kafka sink failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public KafkaSinkException(string message)
        : this(SinkFailure.Kafka, message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public KafkaSinkException(string message, Exception innerException)
        : this(SinkFailure.Kafka, message, innerException)
    {
    }

    /// <summary>Creates an exception of the given kind.</summary>
    public KafkaSinkException(SinkFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>Why the sink stopped.</summary>
    public SinkFailure Failure { get; }

    /// <summary>The process exit code for <see cref="Failure"/>.</summary>
    public int ExitCode => (int)Failure;
}
