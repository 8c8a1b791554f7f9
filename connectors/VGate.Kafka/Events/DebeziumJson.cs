using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VGate.Kafka.Events;

/// <summary>
/// JSON constants shared by the writers: the encoder (relaxed escaping, as Kafka JSON is not embedded in HTML, so a
/// quote is <c>\"</c> and non-ASCII text stays as is) and pre-encoded property names, so the per-row path never encodes
/// a name twice.
/// </summary>
internal static class DebeziumJson
{
    /// <summary>The escaping of every string: minimal, like Jackson's in Kafka Connect.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>
    /// Writer options for all records. Structural validation is off (the writers are straight-line code whose output
    /// every test parses); string escaping stays on.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, Indented = false, SkipValidation = true };

    /// <summary>The <c>source.version</c> value: VGate.Kafka's version (Debezium writes its own release here).</summary>
    public static readonly string SourceVersion = ReadVersion();

    public static readonly JsonEncodedText Schema = Encode("schema");
    public static readonly JsonEncodedText Payload = Encode("payload");
    public static readonly JsonEncodedText Before = Encode("before");
    public static readonly JsonEncodedText After = Encode("after");
    public static readonly JsonEncodedText Source = Encode("source");
    public static readonly JsonEncodedText Op = Encode("op");
    public static readonly JsonEncodedText TsMs = Encode("ts_ms");
    public static readonly JsonEncodedText TsUs = Encode("ts_us");
    public static readonly JsonEncodedText TsNs = Encode("ts_ns");
    public static readonly JsonEncodedText Transaction = Encode("transaction");
    public static readonly JsonEncodedText Version = Encode("version");
    public static readonly JsonEncodedText Connector = Encode("connector");
    public static readonly JsonEncodedText Name = Encode("name");
    public static readonly JsonEncodedText Snapshot = Encode("snapshot");
    public static readonly JsonEncodedText Db = Encode("db");
    public static readonly JsonEncodedText Sequence = Encode("sequence");
    public static readonly JsonEncodedText Keyspace = Encode("keyspace");
    public static readonly JsonEncodedText Table = Encode("table");
    public static readonly JsonEncodedText Shard = Encode("shard");
    public static readonly JsonEncodedText Vgtid = Encode("vgtid");
    public static readonly JsonEncodedText Id = Encode("id");
    public static readonly JsonEncodedText TotalOrder = Encode("total_order");
    public static readonly JsonEncodedText DataCollectionOrder = Encode("data_collection_order");
    public static readonly JsonEncodedText Status = Encode("status");
    public static readonly JsonEncodedText EventCount = Encode("event_count");
    public static readonly JsonEncodedText DataCollections = Encode("data_collections");
    public static readonly JsonEncodedText DataCollection = Encode("data_collection");
    public static readonly JsonEncodedText ServerName = Encode("serverName");
    public static readonly JsonEncodedText DatabaseName = Encode("databaseName");
    public static readonly JsonEncodedText SchemaName = Encode("schemaName");
    public static readonly JsonEncodedText Ddl = Encode("ddl");
    public static readonly JsonEncodedText TableChanges = Encode("tableChanges");
    public static readonly JsonEncodedText Wkb = Encode("wkb");
    public static readonly JsonEncodedText Srid = Encode("srid");
    public static readonly JsonEncodedText Vitess = Encode("vitess");
    public static readonly JsonEncodedText True = Encode("true");
    public static readonly JsonEncodedText False = Encode("false");
    public static readonly JsonEncodedText Empty = Encode("");

    /// <summary>Encodes a name or constant once with <see cref="Encoder"/>.</summary>
    public static JsonEncodedText Encode(string value) => JsonEncodedText.Encode(value, Encoder);

    private static string ReadVersion()
    {
        var assembly = typeof(DebeziumJson).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return "VGate-" + (plus < 0 ? version : version[..plus]);
    }
}
