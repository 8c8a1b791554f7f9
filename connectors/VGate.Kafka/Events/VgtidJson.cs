using System.Text;
using System.Text.Json;
using Binlogdata;

namespace VGate.Kafka.Events;

/// <summary>
/// Writes a VGTID as the Debezium Vitess connector's <c>Vgtid.toString()</c> does: a JSON array of
/// <c>{"keyspace","shard","gtid","table_p_ks":[{"table_name","lastpk":{"fields":[{"name","type","charset","flags"}],
/// "rows":[{"lengths":["…"],"values":"…"}]}}]}</c>. This text is <c>source.vgtid</c>, the transaction id and the
/// heartbeat's <c>vgtid</c>.
/// </summary>
internal static class VgtidJson
{
    public static void Write(Utf8JsonWriter writer, VGtid vgtid)
    {
        writer.WriteStartArray();
        var shards = vgtid.ShardGtids;
        for (var s = 0; s < shards.Count; s++)
        {
            var shard = shards[s];
            writer.WriteStartObject();
            writer.WriteString("keyspace", shard.Keyspace);
            writer.WriteString("shard", shard.Shard);
            writer.WriteString("gtid", shard.Gtid);
            writer.WriteStartArray("table_p_ks");
            // Indexed loops: RepeatedField enumerators are classes, and this runs once per transaction.
            for (var t = 0; t < shard.TablePKs.Count; t++)
            {
                var table = shard.TablePKs[t];
                writer.WriteStartObject();
                writer.WriteString("table_name", table.TableName);
                writer.WriteStartObject("lastpk");
                writer.WriteStartArray("fields");
                if (table.Lastpk is { } lastpk)
                {
                    foreach (var field in lastpk.Fields)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("name", field.Name);
                        writer.WriteString("type", ColumnConverter.TypeName(field.Type));
                        writer.WriteNumber("charset", field.Charset);
                        writer.WriteNumber("flags", field.Flags);
                        writer.WriteEndObject();
                    }
                }
                writer.WriteEndArray();
                writer.WriteStartArray("rows");
                if (table.Lastpk is { } rows)
                {
                    foreach (var row in rows.Rows)
                    {
                        writer.WriteStartObject();
                        writer.WriteStartArray("lengths");
                        foreach (var length in row.Lengths)
                            writer.WriteStringValue(length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        writer.WriteEndArray();
                        // Debezium decodes the values as UTF-8 (lossy for binary keys); so do we.
                        writer.WriteString("values", Encoding.UTF8.GetString(row.Values.Span));
                        writer.WriteEndObject();
                    }
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
