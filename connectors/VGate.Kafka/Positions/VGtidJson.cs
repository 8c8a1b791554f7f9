using System.Text;
using System.Text.Json;
using Binlogdata;
using Google.Protobuf;

namespace VGate.Kafka.Positions;

/// <summary>
/// The text form of a VGTID used by Debezium's Vitess connector (offsets, <c>source.vgtid</c>) and by <c>vgate stream</c>:
/// a JSON array <c>[{"keyspace":"ks","shard":"-80","gtid":"MariaDB/0-1-5","table_p_ks":[…]}]</c>. <c>table_p_ks</c>
/// entries are proto JSON of <c>binlogdata.TableLastPK</c> with proto field names.
/// </summary>
public static class VGtidJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Formats <paramref name="vgtid"/> as the JSON array (every shard with keyspace, shard, gtid and table_p_ks).</summary>
    public static string Format(VGtid vgtid)
    {
        ArgumentNullException.ThrowIfNull(vgtid);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var shard in vgtid.ShardGtids)
            {
                writer.WriteStartObject();
                writer.WriteString("keyspace", shard.Keyspace);
                writer.WriteString("shard", shard.Shard);
                writer.WriteString("gtid", shard.Gtid);
                writer.WritePropertyName("table_p_ks");
                writer.WriteStartArray();
                foreach (var lastPk in shard.TablePKs)
                    writer.WriteRawValue(Formatter.Format(lastPk), skipInputValidation: true);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Parses the array form (or a proto-JSON <c>VGtid</c> object with <c>shard_gtids</c>). Throws
    /// <see cref="FormatException"/> with the reason when the text is not a VGTID.
    /// </summary>
    public static VGtid Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = json.Trim();
        if (text.StartsWith('['))
            text = "{\"shard_gtids\":" + text + "}";
        else if (!text.StartsWith('{'))
            throw new FormatException($"A VGTID is a JSON array of {{\"keyspace\",\"shard\",\"gtid\"}} objects, not '{Shorten(json)}'.");
        VGtid vgtid;
        try
        {
            vgtid = Parser.Parse<VGtid>(text);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException($"Invalid VGTID JSON: {ex.Message}", ex);
        }
        catch (InvalidJsonException ex)
        {
            throw new FormatException($"Invalid VGTID JSON: {ex.Message}", ex);
        }
        if (vgtid.ShardGtids.Count == 0)
            throw new FormatException("The VGTID names no shard.");
        foreach (var shard in vgtid.ShardGtids)
        {
            if (string.IsNullOrEmpty(shard.Keyspace))
                throw new FormatException("Every VGTID entry needs a keyspace.");
        }
        return vgtid;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
