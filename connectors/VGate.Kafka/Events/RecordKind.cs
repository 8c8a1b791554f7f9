namespace VGate.Kafka.Events;

/// <summary>What a <see cref="ChangeRecord"/> is.</summary>
public enum RecordKind
{
    /// <summary>A data change event (op c, u, d or r) on a table topic.</summary>
    Change,

    /// <summary>The null-value record after a delete, on the table topic.</summary>
    Tombstone,

    /// <summary>A transaction BEGIN record on the transaction metadata topic.</summary>
    TransactionBegin,

    /// <summary>A transaction END record on the transaction metadata topic.</summary>
    TransactionEnd,

    /// <summary>A heartbeat record on the heartbeat topic.</summary>
    Heartbeat,

    /// <summary>A DDL statement on the schema change topic.</summary>
    SchemaChange,
}
