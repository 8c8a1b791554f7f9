namespace VGate.Kafka.Producing;

/// <summary>
/// Kafka aborted the sink's transaction (an abortable error, e.g. a coordinator change or a transaction timeout). The
/// transaction's records are invisible to read_committed consumers; the sink re-reads its last checkpoint and replays.
/// </summary>
internal sealed class TransactionAbortedException : Exception
{
    public TransactionAbortedException()
    {
    }

    public TransactionAbortedException(string message)
        : base(message)
    {
    }

    public TransactionAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
