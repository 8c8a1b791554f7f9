namespace VGate.Kafka.Events;

/// <summary>
/// A VStream event cannot be turned into Debezium records: a ROW before its table's FIELD, a row whose column count
/// does not match the FIELD, a column type without a Debezium mapping, a value that does not parse as its type, or a
/// transaction that breaks the event grammar. The message names the keyspace, shard, table and column involved. The
/// builder has emitted nothing for the failing transaction; the sink stops and reports the message, so nothing is lost
/// (a restart resumes from the last checkpointed VGTID).
/// </summary>
public sealed class DebeziumEventException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public DebeziumEventException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public DebeziumEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public DebeziumEventException()
        : base("A VStream event could not be turned into Debezium records.")
    {
    }
}
