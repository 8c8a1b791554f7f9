using System.Globalization;
using System.Text;
using Confluent.Kafka;
using VGate.Kafka.Events;

namespace VGate.Kafka.Positions;

/// <summary>
/// The Kafka headers every record written by the sink carries, naming where in the source stream it came from. They
/// are what makes restarts exact without broker transactions: after a crash the sink reads back what it wrote after
/// its last checkpoint and recognises records by these headers (see <see cref="RecordIdentity"/>).
/// </summary>
/// <remarks>
/// All values are UTF-8 text: <c>vgate.connector</c> (connector name), <c>vgate.keyspace</c>, <c>vgate.shard</c>,
/// <c>vgate.gtid</c> (the shard position after the source transaction), <c>vgate.index</c> (0-based index of the
/// record within that transaction's records), <c>vgate.kind</c> (<see cref="KindName"/>), and <c>vgate.copy</c> =
/// <c>1</c> on rows of the copy phase.
/// </remarks>
public static class PositionHeaders
{
    /// <summary>Header holding the connector name.</summary>
    public const string Connector = "vgate.connector";

    /// <summary>Header holding the source keyspace.</summary>
    public const string Keyspace = "vgate.keyspace";

    /// <summary>Header holding the source shard.</summary>
    public const string Shard = "vgate.shard";

    /// <summary>Header holding the shard's position (GTID set) after the source transaction.</summary>
    public const string Gtid = "vgate.gtid";

    /// <summary>Header holding the record's index within its source transaction.</summary>
    public const string Index = "vgate.index";

    /// <summary>Header holding the record kind.</summary>
    public const string Kind = "vgate.kind";

    /// <summary>Header present (value <c>1</c>) on copy-phase rows.</summary>
    public const string Copy = "vgate.copy";

    private static readonly Header CopyHeader = new(Copy, "1"u8.ToArray());

    /// <summary>The header text of a record kind.</summary>
    public static string KindName(RecordKind kind) => kind switch
    {
        RecordKind.Change => "change",
        RecordKind.Tombstone => "tombstone",
        RecordKind.TransactionBegin => "transaction-begin",
        RecordKind.TransactionEnd => "transaction-end",
        RecordKind.Heartbeat => "heartbeat",
        RecordKind.SchemaChange => "schema-change",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses <see cref="KindName"/> output; false for unknown text.</summary>
    public static bool TryParseKind(string text, out RecordKind kind)
    {
        foreach (var candidate in Enum.GetValues<RecordKind>())
        {
            if (KindName(candidate) == text)
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>
    /// Builds the headers of one record, followed by <paramref name="extra"/> (the mapping's own headers, if any).
    /// <paramref name="cache"/> reuses the byte arrays of repeated values.
    /// </summary>
    internal static Headers Create(HeaderValueCache cache, RecordPosition position, bool copy, IReadOnlyList<KeyValuePair<string, byte[]>>? extra = null)
    {
        var headers = new Headers
        {
            cache.Connector,
            cache.Keyspace(position.Keyspace),
            cache.Shard(position.Shard),
            cache.Gtid(position.Gtid),
            cache.Index(position.Index),
            cache.Kind(position.Kind),
        };
        if (copy)
            headers.Add(CopyHeader);
        if (extra is not null)
        {
            foreach (var (name, value) in extra)
                headers.Add(name, value);
        }
        return headers;
    }

    /// <summary>Reads the position headers of a record; null when it has none or they are incomplete.</summary>
    public static (string Connector, RecordPosition Position, bool Copy)? Read(Headers? headers)
    {
        if (headers is null)
            return null;
        string? connector = null, keyspace = null, shard = null, gtid = null, index = null, kind = null;
        var copy = false;
        foreach (var header in headers)
        {
            switch (header.Key)
            {
                case Connector: connector = Text(header); break;
                case Keyspace: keyspace = Text(header); break;
                case Shard: shard = Text(header); break;
                case Gtid: gtid = Text(header); break;
                case Index: index = Text(header); break;
                case Kind: kind = Text(header); break;
                case Copy: copy = true; break;
                default: break;
            }
        }
        if (connector is null || keyspace is null || shard is null || gtid is null || index is null || kind is null)
            return null;
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var indexValue) || !TryParseKind(kind, out var kindValue))
            return null;
        return (connector, new RecordPosition(keyspace, shard, gtid, indexValue, kindValue), copy);
    }

    private static string Text(IHeader header) => Encoding.UTF8.GetString(header.GetValueBytes() ?? []);
}
