using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VGate.Kafka.Events;
using VGate.Testing;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// Golden files: the complete create event of the all-types row (key and value, every schema and payload member in
/// order), with and without schemas, compared as indented JSON with Events/Golden/*.json. The only members that change
/// from run to run (source time, VGTID, version) are replaced by placeholders first and checked on their own. After an
/// intended format change, run with <c>VGATE_UPDATE_GOLDEN=1</c> to rewrite the files, and review the diff.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DebeziumEventGoldenTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ServerFact]
    public async Task Add_AllTypesInsert_MatchesGoldenFilesWithAndWithoutSchemas()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, AllTypes.CreateTable);
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync(AllTypes.InsertFull);
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(1));
        var gtid = events.Last(e => e.Type == Binlogdata.VEventType.Vgtid).Vgtid.ShardGtids.Single().Gtid;

        foreach (var schemas in new[] { true, false })
        {
            var (records, _) = Records.Build(events, new DebeziumEventOptions { TopicPrefix = "dbz", SchemasEnabled = schemas, TimeProvider = new FixedTimeProvider() });
            var record = Assert.Single(records);
            var source = Records.Payload(record.Value, schemas).GetProperty("source");
            Assert.Equal(DebeziumJson.SourceVersion, source.GetProperty("version").GetString());
            Assert.Equal($"[{{\"keyspace\":\"ks\",\"shard\":\"0\",\"gtid\":\"{gtid}\",\"table_p_ks\":[]}}]", source.GetProperty("vgtid").GetString());
            Assert.Equal(events.Single(e => e.Type == Binlogdata.VEventType.Commit).Timestamp * 1000, source.GetProperty("ts_ms").GetInt64());

            var actual = Normalize(record, schemas);
            CompareWithGolden(schemas ? "create-with-schema.json" : "create-without-schema.json", actual);
        }
    }

    /// <summary>The record as <c>{"topic","key","value"}</c> with the run-dependent members replaced by placeholders.</summary>
    private static string Normalize(ChangeRecord record, bool schemas)
    {
        var value = JsonNode.Parse(record.Value!)!;
        var payload = schemas ? value["payload"]! : value;
        var source = payload["source"]!;
        source["version"] = "<version>";
        source["ts_ms"] = 0;
        source["ts_us"] = 0;
        source["ts_ns"] = 0;
        source["vgtid"] = "<vgtid>";
        var document = new JsonObject
        {
            ["topic"] = record.Topic,
            ["key"] = JsonNode.Parse(record.Key!),
            ["value"] = value,
        };
        return document.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    private static void CompareWithGolden(string name, string actual, [CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable("VGATE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(sourceFile)!, "Golden", name), actual);
            return;
        }
        var path = Path.Combine(AppContext.BaseDirectory, "Events", "Golden", name);
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with VGATE_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            var written = Path.Combine(AppContext.BaseDirectory, name + ".actual");
            File.WriteAllText(written, actual);
            Assert.Fail($"{name} differs from the golden file; the actual output is in {written}");
        }
    }
}
