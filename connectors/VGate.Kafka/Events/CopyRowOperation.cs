namespace VGate.Kafka.Events;

/// <summary>
/// How rows of a VStream copy (the copy phase of a stream started at <c>""</c>) are marked. The Debezium Vitess connector
/// has no property for this: it writes them as inserts. See docs/kafka-events.md, "Copy phase".
/// </summary>
public enum CopyRowOperation
{
    /// <summary>
    /// As the Vitess connector does (default): <c>op</c> <c>c</c>, <c>source.snapshot</c> <c>"false"</c>, and
    /// <c>source.ts_ms</c> the copy transaction's BEGIN time as VStream sends it, which is 0.
    /// </summary>
    Create,

    /// <summary>
    /// As Debezium's snapshotting connectors (MySQL, Postgres) mark snapshot rows: <c>op</c> <c>r</c>,
    /// <c>source.snapshot</c> <c>"true"</c>, and <c>source.ts_ms</c> the time VGate read the row.
    /// </summary>
    Read,
}
