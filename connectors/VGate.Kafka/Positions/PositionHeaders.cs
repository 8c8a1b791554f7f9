using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using VGate.Kafka.Events;

namespace VGate.Kafka.Positions;

/// <summary>
/// The Kafka header every record written by the sink carries, naming where in the source stream it came from. It is
/// what makes restarts exact without broker transactions: after a crash the sink reads back what it wrote after its
/// last checkpoint and recognises records by it (see <see cref="RecordIdentity"/>).
/// </summary>
/// <remarks>
/// <para>One header, <c>vgate.position</c>, whose value is a UTF-8 JSON object:
/// <c>{"connector":"shop","keyspace":"ks","shard":"-80","gtid":"MariaDB/0-1-42","index":3,"kind":"change"}</c>, plus
/// <c>"copy":true</c> on rows of the copy phase. <c>gtid</c> is the shard's position after the source transaction,
/// <c>index</c> the 0-based index of the record among that transaction's records, <c>kind</c> one of
/// <see cref="KindName"/>. One header instead of one per fact because librdkafka and Confluent.Kafka pay per header
/// and per record: a key encoded, two pinned handles, a call and an allocation to add it, another to free it.</para>
/// <para>Records written by earlier versions carry the same facts as seven headers (<see cref="Connector"/>,
/// <see cref="Keyspace"/>, <see cref="Shard"/>, <see cref="Gtid"/>, <see cref="Index"/>, <see cref="Kind"/>,
/// <see cref="Copy"/>); <see cref="Read"/> still understands them, so a sink upgraded between a crash and its restart
/// recognises what the old one wrote.</para>
/// </remarks>
public static class PositionHeaders
{
    /// <summary>The header holding a record's position (a JSON object, see the remarks).</summary>
    public const string Position = "vgate.position";

    /// <summary>Earlier format: header holding the connector name.</summary>
    public const string Connector = "vgate.connector";

    /// <summary>Earlier format: header holding the source keyspace.</summary>
    public const string Keyspace = "vgate.keyspace";

    /// <summary>Earlier format: header holding the source shard.</summary>
    public const string Shard = "vgate.shard";

    /// <summary>Earlier format: header holding the shard's position (GTID set) after the source transaction.</summary>
    public const string Gtid = "vgate.gtid";

    /// <summary>Earlier format: header holding the record's index within its source transaction.</summary>
    public const string Index = "vgate.index";

    /// <summary>Earlier format: header holding the record kind.</summary>
    public const string Kind = "vgate.kind";

    /// <summary>Earlier format: header present (value <c>1</c>) on copy-phase rows.</summary>
    public const string Copy = "vgate.copy";

    /// <summary>The text of a record kind (the <c>kind</c> field).</summary>
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
    /// The headers of one record: the position header, followed by <paramref name="extra"/> (the mapping's own
    /// headers, if any). Without extra headers the result is <paramref name="writer"/>'s reused list, valid until its
    /// next use (librdkafka copies headers while producing).
    /// </summary>
    internal static Headers Create(PositionHeaderWriter writer, RecordPosition position, bool copy, IReadOnlyList<KeyValuePair<string, byte[]>>? extra = null)
    {
        var header = writer.Write(position, copy);
        if (extra is null || extra.Count == 0)
            return writer.Single;
        var headers = new Headers { new Header(Position, header.GetValueBytes()) };
        foreach (var (name, value) in extra)
            headers.Add(name, value);
        return headers;
    }

    /// <summary>Reads the position of a record; null when it has none or it is incomplete.</summary>
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
                case Position: return ReadJson(header.GetValueBytes());
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

    /// <summary>Parses a <see cref="Position"/> header value; null when it is not a complete position.</summary>
    public static (string Connector, RecordPosition Position, bool Copy)? ReadJson(ReadOnlySpan<byte> value)
    {
        string? connector = null, keyspace = null, shard = null, gtid = null, kind = null;
        int? index = null;
        var copy = false;
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                    return null;
                switch (name)
                {
                    case "connector" when reader.TokenType == JsonTokenType.String: connector = reader.GetString(); break;
                    case "keyspace" when reader.TokenType == JsonTokenType.String: keyspace = reader.GetString(); break;
                    case "shard" when reader.TokenType == JsonTokenType.String: shard = reader.GetString(); break;
                    case "gtid" when reader.TokenType == JsonTokenType.String: gtid = reader.GetString(); break;
                    case "kind" when reader.TokenType == JsonTokenType.String: kind = reader.GetString(); break;
                    case "index" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) && number >= 0: index = number; break;
                    case "copy" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: copy = reader.GetBoolean(); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        if (connector is null || keyspace is null || shard is null || gtid is null || index is null || kind is null || !TryParseKind(kind, out var kindValue))
            return null;
        return (connector, new RecordPosition(keyspace, shard, gtid, index.Value, kindValue), copy);
    }

    private static string Text(IHeader header) => Encoding.UTF8.GetString(header.GetValueBytes() ?? []);
}
