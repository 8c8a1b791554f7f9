namespace VGate.Kafka.Events;

/// <summary>
/// Where a record came from: the shard, the GTID (position string) of its transaction on that shard, and its 0-based
/// index among the records that transaction produced (tombstones and transaction BEGIN/END records count). A DDL's
/// schema-change record has index 0. Heartbeats have no shard: keyspace, shard and GTID are empty.
/// </summary>
/// <param name="Keyspace">The keyspace of the transaction.</param>
/// <param name="Shard">The shard of the transaction.</param>
/// <param name="Gtid">The shard's position after the transaction, as the VGTID carries it (e.g. <c>MariaDB/0-1-42</c>).</param>
/// <param name="Index">The 0-based index of the record among the records of its transaction.</param>
/// <param name="Kind">What the record is.</param>
public readonly record struct RecordPosition(string Keyspace, string Shard, string Gtid, int Index, RecordKind Kind);
