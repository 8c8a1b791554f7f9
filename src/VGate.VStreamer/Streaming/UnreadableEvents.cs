using VGate.MySql;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// Events a shard stream must not pass: skipping them would lose changes without anyone noticing. The stream ends with
/// INTERNAL instead (never retried: every reconnect would meet the same event), naming the shard, where the event is, and
/// the last position the client can resume from.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>INCIDENT (26): the source says changes may be missing from its binlog (MariaDB and MySQL write LOST_EVENTS when
/// a statement's changes could not be logged, e.g. a non-transactional statement over <c>max_binlog_stmt_cache_size</c>).
/// Replicas stop on it too.</item>
/// <item>An event inside a compressed TRANSACTION_PAYLOAD larger than the parser's limit
/// (<see cref="BinlogEventParser.MaxEventSize"/>): the parser streams past it without reading it
/// (<see cref="OversizedEvent"/>), so its rows are not there to deliver.</item>
/// <item>An event type VGate does not know (not in <see cref="EventType"/>) and not marked LOG_EVENT_IGNORABLE_F: a newer
/// server's event that may carry changes. Events with the ignorable flag are skipped, as the servers' own replicas do,
/// and so are the known types that carry nothing for change capture (LOAD DATA blocks of statement-based logging, view
/// change, transaction context, START_ENCRYPTION).</item>
/// </list>
/// Corrupt bytes (checksum, lengths) are found by the parser and reported by <see cref="Describe"/>.
/// </remarks>
internal static class UnreadableEvents
{
    /// <summary>The error to end the stream with for <paramref name="binlogEvent"/>, or null when it can be passed.</summary>
    /// <param name="binlogEvent">The event just read.</param>
    /// <param name="keyspace">The keyspace.</param>
    /// <param name="shard">The shard.</param>
    /// <param name="where">Where the event starts in the binlog (file and offset), when known.</param>
    /// <param name="resumable">The position after the last complete transaction (what a client can resume from).</param>
    public static VStreamException? Check(BinlogEvent binlogEvent, string keyspace, string shard, BinlogFilePosition where, ReplicationPosition? resumable)
    {
        switch (binlogEvent)
        {
            case IncidentEvent incident:
                var kind = incident.IncidentType == 1 ? "LOST_EVENTS" : $"type {incident.IncidentType}";
                var text = incident.Message.Length > 0 ? $" \"{incident.Message}\"" : "";
                return VStreamException.Internal(
                    $"{keyspace}/{shard}: the source's binlog has an INCIDENT event ({kind}{text}) {Describe(where, resumable)}: the source " +
                    "reports that changes may be missing from its binlog, so the stream stops here rather than pass over them. " +
                    "Check the shard's tables against the source (re-copy them if needed), then resume from a position after the incident " +
                    "(MariaDB sends the incident to every stream that reads its binlog file: FLUSH BINARY LOGS on the source starts a new " +
                    "file, and a position in it is past the incident).");
            case OversizedEvent oversized:
                return VStreamException.Internal(
                    $"{keyspace}/{shard}: a {oversized.Header.Type} event of {oversized.Header.EventLength} bytes inside a compressed " +
                    $"transaction (TRANSACTION_PAYLOAD) {Describe(where, resumable)} is larger than the largest event VGate reads " +
                    $"({oversized.Limit} bytes): its changes cannot be delivered, so the stream stops rather than skip it.");
            case UnknownEvent unknown when !unknown.IsIgnorable && !Enum.IsDefined(unknown.Header.Type):
                return VStreamException.Internal(
                    $"{keyspace}/{shard}: unknown binlog event type {(byte)unknown.Header.Type} ({unknown.Header.EventLength} bytes, " +
                    $"not marked ignorable) {Describe(where, resumable)}: it may carry changes VGate cannot read, so the stream stops " +
                    "rather than skip it.");
            default:
                return null;
        }
    }

    /// <summary>
    /// The error for bytes the parser rejected (<paramref name="error"/>): INTERNAL, naming the shard, the binlog file the
    /// stream was in and the last position a client can resume from.
    /// </summary>
    public static VStreamException Unreadable(BinlogFormatException error, string keyspace, string shard, string file, ReplicationPosition? resumable)
    {
        var where = string.IsNullOrEmpty(file) ? "" : $" in {file}";
        return VStreamException.Internal(
            $"{keyspace}/{shard}: unreadable binlog data{where} after position '{resumable?.ToString() ?? "unknown"}': {error.Message}. " +
            "The stream stops rather than skip the event.", error);
    }

    private static string Describe(BinlogFilePosition where, ReplicationPosition? resumable)
    {
        var at = where == default ? "" : $"at {where} ";
        return $"{at}after position '{resumable?.ToString() ?? "unknown"}'";
    }
}
