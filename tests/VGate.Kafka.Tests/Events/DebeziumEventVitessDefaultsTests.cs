using System.Globalization;
using System.Text.Json;
using Binlogdata;
using VGate.Kafka.Events;
using VGate.Testing;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// The defaults that follow the Debezium Vitess connector (docs/kafka-events.md, "Where the defaults come from"), over
/// real VStream values: DECIMAL, FLOAT, DOUBLE, BIT and GEOMETRY values written on a real MariaDB, read by the real
/// gateway both in a copy phase (MariaDB's text) and from the binlog, turned into records and checked against what
/// MariaDB's own <c>SELECT</c> says the values are; and deletes of a table without a key.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DebeziumEventVitessDefaultsTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string ValuesTable = """
        CREATE TABLE {db}.v (
          id INT PRIMARY KEY,
          d DECIMAL(10,4), d0 DECIMAL(5,0), dbig DECIMAL(65,30),
          f FLOAT, dbl DOUBLE,
          b1 BIT(1), b12 BIT(12), b64 BIT(64),
          g GEOMETRY
        )
        """;

    // Each row's values; the copy phase reads them with ids 1-3, the binlog with ids 11-13. FLOAT literals have at
    // most six digits, so MariaDB's text form (which the copy phase reads) gives back the same float.
    private static readonly string[] Rows =
    [
        "-123456.7890, -12345, -12345678901234567890123456789012345.123456789012345678901234567891, 1.1, 1.7976931348623157e308, b'1', b'101010101010', 0x8000000000000001, ST_GeomFromText('POINT(1 2)', 4326)",
        "0.0000, 0, 0, 0, 2.2250738585072014e-308, b'0', b'000000000001', 0xFFFFFFFFFFFFFFFF, NULL",
        "0.0001, 99999, 0.000000000000000000000000000001, 3.40282e38, -0.5, NULL, b'100000000000', 0, ST_GeomFromText('LINESTRING(0 0, 1 2)')",
    ];

    private static readonly float[] Floats = [1.1f, 0f, 3.40282e38f];

    [ServerFact]
    public async Task Add_CopyAndBinlogValues_DecimalStringsFloatAsDoubleBigEndianBitsSpatialLeftOut()
    {
        var (capture, events) = await CopyThenStreamAsync();

        var (records, _) = Records.Build(events, Records.Options());

        var expected = await SelectAsync(capture);
        var byId = records.ToDictionary(r => Records.Payload(r.Value).GetProperty("after").GetProperty("id").GetInt32());
        Assert.Equal([1, 2, 3, 11, 12, 13], byId.Keys.Order());
        foreach (var (id, record) in byId)
        {
            var row = expected[id];
            var value = JsonDocument.Parse(record.Value!).RootElement;
            var after = value.GetProperty("payload").GetProperty("after");
            var schema = Records.Field(value.GetProperty("schema"), "after");
            var what = $"row {id} ({(id < 10 ? "copy" : "binlog")})";

            // DECIMAL: the text, as the Vitess connector's VitessType (DECIMAL → VARCHAR) writes it, scale and sign kept.
            foreach (var column in new[] { "d", "d0", "dbig" })
            {
                Assert.True("string" == Records.Field(schema, column).GetProperty("type").GetString(), $"{what}: {column} schema");
                Assert.False(Records.Field(schema, column).TryGetProperty("name", out _), $"{what}: {column} has a logical name");
                Assert.True(row[column] == after.GetProperty(column).GetString(), $"{what}: {column} is {after.GetProperty(column)}, SELECT says {row[column]}");
            }

            // FLOAT: Connect float64 holding the float's exact value (Java's Float.valueOf(text).doubleValue()).
            Assert.Equal("double", Records.Field(schema, "f").GetProperty("type").GetString());
            var f = float.Parse(row["f"]!, CultureInfo.InvariantCulture);
            Assert.Equal(Floats[(id % 10) - 1], f);
            Assert.True((double)f == after.GetProperty("f").GetDouble(), $"{what}: f is {after.GetProperty("f")}, expected {(double)f}");
            Assert.Equal("double", Records.Field(schema, "dbl").GetProperty("type").GetString());
            Assert.Equal(double.Parse(row["dbl"]!, CultureInfo.InvariantCulture), after.GetProperty("dbl").GetDouble());

            // BIT(1) a boolean; BIT(12) and BIT(64) io.debezium.data.Bits with VStream's big-endian bytes.
            Assert.Equal("boolean", Records.Field(schema, "b1").GetProperty("type").GetString());
            if (row["b1"] is null)
                Assert.Equal(JsonValueKind.Null, after.GetProperty("b1").ValueKind);
            else
                Assert.Equal(row["b1"] == "1", after.GetProperty("b1").GetBoolean());
            foreach (var (column, bytes) in new[] { ("b12", 2), ("b64", 8) })
            {
                Assert.Equal("io.debezium.data.Bits", Records.Field(schema, column).GetProperty("name").GetString());
                var bigEndian = Convert.FromHexString(row[column]!.PadLeft(bytes * 2, '0'));
                Assert.True(Convert.ToBase64String(bigEndian) == after.GetProperty(column).GetString(),
                    $"{what}: {column} is {Convert.ToHexString(Convert.FromBase64String(after.GetProperty(column).GetString()!))}, expected {Convert.ToHexString(bigEndian)}");
            }

            // GEOMETRY: the Vitess connector has no mapping for it and leaves it out without include.unknown.datatypes.
            Assert.False(after.TryGetProperty("g", out _), $"{what}: g is in the record");
            Assert.DoesNotContain("g", schema.GetProperty("fields").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        }

        // A few values as literal text, as Debezium's JSON converter would print them.
        Assert.Equal("\"-123456.7890\"", Records.Payload(byId[11].Value).GetProperty("after").GetProperty("d").GetRawText());
        Assert.Equal("1.100000023841858", Records.Payload(byId[11].Value).GetProperty("after").GetProperty("f").GetRawText());
        Assert.Equal("1.100000023841858", Records.Payload(byId[1].Value).GetProperty("after").GetProperty("f").GetRawText());
        Assert.Equal(Convert.ToBase64String([0x0A, 0xAA]), Records.Payload(byId[1].Value).GetProperty("after").GetProperty("b12").GetString());
        Assert.Equal(Convert.ToBase64String([0x80, 0, 0, 0, 0, 0, 0, 0x01]), Records.Payload(byId[11].Value).GetProperty("after").GetProperty("b64").GetString());
    }

    [ServerFact]
    public async Task Add_OldMappingOptions_DecimalPreciseFloat32LittleEndianBitsGeometryStruct()
    {
        var (capture, events) = await CopyThenStreamAsync();
        var options = new DebeziumEventOptions
        {
            TopicPrefix = "dbz",
            TimeProvider = new FixedTimeProvider(),
            DecimalHandling = DecimalHandling.Precise,
            FloatHandling = FloatHandling.Float,
            BitsByteOrder = BitsByteOrder.LittleEndian,
            GeometryAsStruct = true,
        };

        var (records, _) = Records.Build(events, options);

        var expected = await SelectAsync(capture);
        foreach (var record in records)
        {
            var value = JsonDocument.Parse(record.Value!).RootElement;
            var after = value.GetProperty("payload").GetProperty("after");
            var schema = Records.Field(value.GetProperty("schema"), "after");
            var row = expected[after.GetProperty("id").GetInt32()];

            Assert.Equal("org.apache.kafka.connect.data.Decimal", Records.Field(schema, "d").GetProperty("name").GetString());
            Assert.Equal(decimal.Parse(row["d"]!, CultureInfo.InvariantCulture), Unscale(after.GetProperty("d").GetString()!, 4));
            Assert.Equal("float", Records.Field(schema, "f").GetProperty("type").GetString());
            Assert.Equal(float.Parse(row["f"]!, CultureInfo.InvariantCulture), after.GetProperty("f").GetSingle());
            var littleEndian = Convert.FromHexString(row["b12"]!.PadLeft(4, '0'));
            Array.Reverse(littleEndian);
            Assert.Equal(Convert.ToBase64String(littleEndian), after.GetProperty("b12").GetString());
            if (row["g"] is { } internalForm)
            {
                // MariaDB's internal form: a little-endian SRID, then WKB.
                var bytes = Convert.FromHexString(internalForm);
                Assert.Equal(Convert.ToBase64String(bytes[4..]), after.GetProperty("g").GetProperty("wkb").GetString());
                Assert.Equal(BitConverter.ToInt32(bytes, 0), after.GetProperty("g").GetProperty("srid").GetInt32());
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, after.GetProperty("g").ValueKind);
            }
        }
    }

    [ServerFact]
    public async Task Add_IncludeUnknownDatatypes_SpatialColumnsAreVStreamsBytesInTheBinaryHandlingForm()
    {
        var (capture, events) = await CopyThenStreamAsync();
        var expected = await SelectAsync(capture);

        foreach (var binary in new[] { BinaryHandling.Base64, BinaryHandling.Hex })
        {
            var options = new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), IncludeUnknownDatatypes = true, BinaryHandling = binary };

            var (records, _) = Records.Build(events, options);

            Assert.Equal(6, records.Count);
            foreach (var record in records)
            {
                var value = JsonDocument.Parse(record.Value!).RootElement;
                var after = value.GetProperty("payload").GetProperty("after");
                var column = Records.Field(Records.Field(value.GetProperty("schema"), "after"), "g");
                Assert.Equal(binary == BinaryHandling.Base64 ? "bytes" : "string", column.GetProperty("type").GetString());
                Assert.False(column.TryGetProperty("name", out _));
                var row = expected[after.GetProperty("id").GetInt32()];
                if (row["g"] is not { } hex)
                {
                    Assert.Equal(JsonValueKind.Null, after.GetProperty("g").ValueKind);
                    continue;
                }
                var text = after.GetProperty("g").GetString()!;
                Assert.Equal(Convert.FromHexString(hex), binary == BinaryHandling.Base64 ? Convert.FromBase64String(text) : Convert.FromHexString(text));
            }
        }
    }

    [ServerFact]
    public async Task Add_KeylessTableDelete_DeleteThenTombstoneWithNullKeyPerTombstonesOnDelete()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, "CREATE TABLE {db}.nokey (v INT, w VARCHAR(5))");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync("INSERT INTO {db}.nokey VALUES (1, 'a'), (2, 'b')", "DELETE FROM {db}.nokey WHERE v = 1");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(2));

        var (records, _) = Records.Build(events, Records.Options());
        var (withoutTombstones, _) = Records.Build(events, new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), TombstonesOnDelete = false });

        Assert.Equal(["c", "c", "d", "tombstone"], records.Select(Describe));
        Assert.All(records, r => Assert.Null(r.Key));
        Assert.All(records, r => Assert.Equal("dbz.ks.nokey", r.Topic));
        var delete = records[2];
        var tombstone = records[3];
        Assert.Equal(1, Records.Payload(delete.Value).GetProperty("before").GetProperty("v").GetInt32());
        Assert.Equal((delete.Position.Gtid, delete.Position.Index + 1, RecordKind.Tombstone), (tombstone.Position.Gtid, tombstone.Position.Index, tombstone.Position.Kind));
        Assert.Equal(["c", "c", "d"], withoutTombstones.Select(Describe));

        static string Describe(ChangeRecord r) => r.Value is null ? "tombstone" : Records.Op(r);
    }

    /// <summary>Rows 1-3 exist before a copy; rows 11-13, with the same values, are inserted once it completed.</summary>
    private async Task<(VStreamCapture Capture, List<VEvent> Events)> CopyThenStreamAsync()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, ValuesTable);
        await capture.ExecuteAsync([.. Rows.Select((row, i) => $"INSERT INTO {{db}}.v VALUES ({i + 1}, {row})")]);
        var inserted = false;
        var events = await capture.StreamAsync("", async events =>
        {
            if (!inserted && events.Any(e => e.Type == VEventType.CopyCompleted))
            {
                inserted = true;
                await capture.ExecuteAsync([.. Rows.Select((row, i) => $"INSERT INTO {{db}}.v VALUES ({i + 11}, {row})")]);
            }
            return inserted && events.SkipWhile(e => e.Type != VEventType.CopyCompleted).Count(e => e.Type == VEventType.Commit) >= Rows.Length;
        });
        Assert.Contains(events, e => e.Type == VEventType.Row && e.Timestamp == 0);
        Assert.Contains(events, e => e.Type == VEventType.Row && e.Timestamp != 0);
        return (capture, events);
    }

    /// <summary>Each row's values as MariaDB prints them: DECIMAL and FLOAT text, BIT and GEOMETRY bytes in hex.</summary>
    private async Task<Dictionary<int, Dictionary<string, string?>>> SelectAsync(VStreamCapture capture)
    {
        var rows = await fixture.Server.QueryAsync(capture.Qualify(
            "SELECT id, CAST(d AS CHAR), CAST(d0 AS CHAR), CAST(dbig AS CHAR), CAST(f AS CHAR), CAST(dbl AS CHAR), CAST(b1 + 0 AS CHAR), HEX(b12), HEX(b64), HEX(g) FROM {db}.v"));
        string[] names = ["d", "d0", "dbig", "f", "dbl", "b1", "b12", "b64", "g"];
        return rows.ToDictionary(
            r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture),
            r => names.Select((name, i) => (name, text: r[i + 1] is null ? null : Convert.ToString(r[i + 1], CultureInfo.InvariantCulture)))
                .ToDictionary(c => c.name, c => c.text));
    }

    /// <summary>A Connect Decimal (base64 big-endian two's complement) with its scale.</summary>
    private static decimal Unscale(string base64, int scale) =>
        (decimal)new System.Numerics.BigInteger(Convert.FromBase64String(base64), isBigEndian: true) / (decimal)Math.Pow(10, scale);
}
