using System.Text;
using Binlogdata;
using Google.Protobuf;

namespace VGate.Cli.Commands;

/// <summary>
/// The Vitess/Debezium text form of a VGTID: a JSON array of shard positions,
/// <c>[{"keyspace":"ks","shard":"-80","gtid":"MySQL56/…","table_p_ks":[{"table_name":"t","lastpk":{…}}]}]</c>
/// (proto field names; <c>lastpk</c> is a query.QueryResult in proto JSON, row values base64).
/// </summary>
internal static class VGtidJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static string Format(VGtid vgtid)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < vgtid.ShardGtids.Count; i++)
        {
            if (i > 0)
                text.Append(',');
            var shard = vgtid.ShardGtids[i];
            // keyspace, shard and gtid always appear (gtid "" means "copy first"), like Debezium's offsets.
            text.Append("{\"keyspace\":").Append(JsonFormatter.ToDiagnosticString(new Google.Protobuf.WellKnownTypes.StringValue { Value = shard.Keyspace }))
                .Append(",\"shard\":").Append(JsonFormatter.ToDiagnosticString(new Google.Protobuf.WellKnownTypes.StringValue { Value = shard.Shard }))
                .Append(",\"gtid\":").Append(JsonFormatter.ToDiagnosticString(new Google.Protobuf.WellKnownTypes.StringValue { Value = shard.Gtid }))
                .Append(",\"table_p_ks\":[");
            for (var t = 0; t < shard.TablePKs.Count; t++)
            {
                if (t > 0)
                    text.Append(',');
                text.Append(Formatter.Format(shard.TablePKs[t]));
            }
            text.Append("]}");
        }
        return text.Append(']').ToString();
    }

    /// <summary>Parses the array form (or a proto-JSON VGtid object with <c>shard_gtids</c>).</summary>
    public static VGtid Parse(string json)
    {
        var text = json.Trim();
        if (text.StartsWith('['))
            text = "{\"shard_gtids\":" + text + "}";
        return Parser.Parse<VGtid>(text);
    }
}
