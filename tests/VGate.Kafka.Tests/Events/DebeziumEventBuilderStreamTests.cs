using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Binlogdata;
using VGate.Kafka.Events;
using VGate.Testing;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// <see cref="DebeziumEventBuilder"/> over real VEvents: statements on a real MariaDB, streamed through the real gateway
/// (<see cref="VStreamCapture"/>), turned into records and checked field by field against Debezium's format.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DebeziumEventBuilderStreamTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string SimpleTable = "CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20), qty INT)";

    [ServerFact]
    public async Task Add_EveryColumnType_SchemaAndValuesAsDebezium()
    {
        var events = await AllTypesEventsAsync();

        var (records, _) = Records.Build(events, Records.Options());

        AssertAllTypes(records, AllTypesExpectations(vitessDefaults: true));
    }

    [ServerFact]
    public async Task Add_EveryColumnTypeWithMySqlConnectorOptions_DecimalBytesFloat32LittleEndianBitsGeometryStruct()
    {
        var events = await AllTypesEventsAsync();
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

        AssertAllTypes(records, AllTypesExpectations(vitessDefaults: false));
    }

    private static void AssertAllTypes(List<ChangeRecord> records, List<(string Column, string Type, string? Name, object? Value)> expectations)
    {
        var record = Assert.Single(records, r => Records.Payload(r.Value).GetProperty("after").GetProperty("id").GetInt32() == 1);
        Assert.Equal("dbz.ks.types", record.Topic);
        var value = JsonDocument.Parse(record.Value!).RootElement;
        var after = value.GetProperty("payload").GetProperty("after");
        var afterSchema = Records.Field(value.GetProperty("schema"), "after");
        Assert.Equal("dbz.ks.types.Value", afterSchema.GetProperty("name").GetString());
        foreach (var (column, type, name, expected) in expectations)
        {
            var schema = Records.Field(afterSchema, column);
            Assert.True(type == schema.GetProperty("type").GetString(), $"{column}: schema type {schema.GetProperty("type")}, expected {type}");
            Assert.True(name == (schema.TryGetProperty("name", out var n) ? n.GetString() : null), $"{column}: schema name {n}, expected {name}");
            AssertValue(column, after.GetProperty(column), expected);
        }
        Assert.Equal(expectations.Select(e => e.Column), after.EnumerateObject().Select(p => p.Name));
        Assert.Equal(expectations.Select(e => e.Column), afterSchema.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
    }

    [ServerFact]
    public async Task Add_EveryColumnType_SchemaParametersAndOptionality()
    {
        var events = await AllTypesEventsAsync();

        var options = new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), DecimalHandling = DecimalHandling.Precise, GeometryAsStruct = true };

        var (records, _) = Records.Build(events, options);

        var after = Records.Field(Records.Schema(records[0].Value), "after");
        Assert.Equal("10", Parameter(after, "c_decimal", "connect.decimal.precision"));
        Assert.Equal("2", Parameter(after, "c_decimal", "scale"));
        Assert.Equal("30", Parameter(after, "c_decimal_big", "connect.decimal.precision"));
        Assert.Equal("5", Parameter(after, "c_decimal_big", "scale"));
        Assert.Equal("10", Parameter(after, "c_bit10", "length"));
        Assert.Equal("small,medium,large", Parameter(after, "c_enum", "allowed"));
        Assert.Equal("a,b,c", Parameter(after, "c_set", "allowed"));
        Assert.False(Records.Field(after, "id").GetProperty("optional").GetBoolean());
        Assert.False(Records.Field(after, "c_date_nn").GetProperty("optional").GetBoolean());
        Assert.True(Records.Field(after, "c_int").GetProperty("optional").GetBoolean());
        var geometry = Records.Field(after, "c_geometry");
        Assert.Equal(["wkb", "srid"], geometry.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));

        var key = JsonDocument.Parse(records[0].Key!).RootElement;
        Assert.Equal("dbz.ks.types.Key", key.GetProperty("schema").GetProperty("name").GetString());
        Assert.Equal(["id"], key.GetProperty("schema").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
        Assert.Equal(1, key.GetProperty("payload").GetProperty("id").GetInt32());
    }

    [ServerFact]
    public async Task Add_ZeroDatesAndNulls_NullableBecomeNullNotNullBecomeEpoch()
    {
        var events = await AllTypesEventsAsync();

        var (records, _) = Records.Build(events, Records.Options());

        var after = Records.Payload(records[1].Value).GetProperty("after");
        Assert.Equal(2, after.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("c_date").ValueKind);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("c_datetime").ValueKind);
        Assert.Equal(0, after.GetProperty("c_date_nn").GetInt32());
        foreach (var column in after.EnumerateObject().Where(c => c.Name is not ("id" or "c_date_nn")))
            Assert.True(column.Value.ValueKind == JsonValueKind.Null, $"{column.Name} is {column.Value}");
    }

    [ServerFact]
    public async Task Add_OptionVariants_ChangeTheRepresentationOnly()
    {
        var events = await AllTypesEventsAsync();
        DebeziumEventOptions Options(DecimalHandling decimals, BinaryHandling binary, TimePrecisionMode time, BigIntUnsignedHandling bigint) => new()
        {
            TopicPrefix = "dbz",
            SchemasEnabled = false,
            TimeProvider = new FixedTimeProvider(),
            DecimalHandling = decimals,
            BinaryHandling = binary,
            TimePrecisionMode = time,
            BigIntUnsignedHandling = bigint,
        };

        var a = After(Options(DecimalHandling.String, BinaryHandling.Hex, TimePrecisionMode.AdaptiveTimeMicroseconds, BigIntUnsignedHandling.Long));
        Assert.Equal("-12345678.91", a.GetProperty("c_decimal").GetString());
        Assert.Equal("1234567890123456789012345.67891", a.GetProperty("c_decimal_big").GetString());
        Assert.Equal("deadbeef", a.GetProperty("c_varbinary").GetString());
        Assert.Equal(-1L, a.GetProperty("c_bigint_u").GetInt64());

        var b = After(Options(DecimalHandling.Double, BinaryHandling.Base64UrlSafe, TimePrecisionMode.IsoString, BigIntUnsignedHandling.Precise));
        Assert.Equal(-12345678.91, b.GetProperty("c_decimal").GetDouble());
        Assert.Equal(Convert.ToBase64String([0xDE, 0xAD, 0xBE, 0xEF]).Replace('+', '-').Replace('/', '_'), b.GetProperty("c_varbinary").GetString());
        Assert.Equal(Convert.ToBase64String(BigInteger.Parse("18446744073709551615", CultureInfo.InvariantCulture).ToByteArray(isBigEndian: true)), b.GetProperty("c_bigint_u").GetString());
        Assert.Equal("2024-02-29", b.GetProperty("c_date").GetString());
        Assert.Equal("-838:59:59", b.GetProperty("c_time").GetString());
        Assert.Equal("1999-12-31 23:59:59", b.GetProperty("c_datetime").GetString());
        Assert.Equal("2038-01-19T03:14:07Z", b.GetProperty("c_timestamp").GetString());

        var c = After(Options(DecimalHandling.Precise, BinaryHandling.Base64String, TimePrecisionMode.AdaptiveTimeMicroseconds, BigIntUnsignedHandling.String));
        Assert.Equal(Convert.ToBase64String([0xDE, 0xAD, 0xBE, 0xEF]), c.GetProperty("c_varbinary").GetString());

        JsonElement After(DebeziumEventOptions options) => Records.Payload(Records.Build(events, options).Records[0].Value, schemas: false).GetProperty("after");
    }

    [ServerFact]
    public async Task Add_ConnectTimePrecision_KafkaConnectLogicalTypesAndTimeBeyondInt32Fails()
    {
        var capture = await VStreamCapture.CreateAsync(fixture,
            "CREATE TABLE {db}.tt (id INT PRIMARY KEY, d DATE, t TIME(3), dt DATETIME(6), ts TIMESTAMP(2) NULL)");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync(
            "SET SESSION time_zone = '+00:00'; INSERT INTO {db}.tt VALUES (1, '1960-01-02', '-12:34:56.789', '1969-07-20 20:17:40.654321', '2038-01-19 03:14:07.25')",
            "INSERT INTO {db}.tt (id, t) VALUES (2, '700:00:00')");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(2));
        var options = new DebeziumEventOptions { TopicPrefix = "dbz", TimePrecisionMode = TimePrecisionMode.Connect };

        var (records, _) = Records.Build(events.TakeWhile(e => e.Type != VEventType.Commit).Append(events.First(e => e.Type == VEventType.Commit)), options);

        var value = JsonDocument.Parse(records.Single().Value!).RootElement;
        var after = value.GetProperty("payload").GetProperty("after");
        Assert.Equal(Days(1960, 1, 2), after.GetProperty("d").GetInt32());
        Assert.Equal(-((12 * 3600 + 34 * 60 + 56) * 1000 + 789), after.GetProperty("t").GetInt32());
        Assert.Equal(Millis("1969-07-20T20:17:40.654Z"), after.GetProperty("dt").GetInt64());
        Assert.Equal(Millis("2038-01-19T03:14:07.25Z"), after.GetProperty("ts").GetInt64());
        var schema = Records.Field(value.GetProperty("schema"), "after");
        string[] columns = ["d", "t", "dt", "ts"];
        Assert.Equal(
            ["org.apache.kafka.connect.data.Date", "org.apache.kafka.connect.data.Time", "org.apache.kafka.connect.data.Timestamp", "org.apache.kafka.connect.data.Timestamp"],
            columns.Select(c => Records.Field(schema, c).GetProperty("name").GetString()));

        // 700 hours in milliseconds does not fit Kafka Connect's int32 Time: a clear error, not a wrapped number.
        var error = Assert.Throws<DebeziumEventException>(() => Records.Build(events, options));
        Assert.Contains("ks.tt.t", error.Message, StringComparison.Ordinal);
        Assert.Contains("700:00:00", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Text in the column's own character set (as the gateway sends it, as Vitess does) becomes the characters SELECT
    /// returns (the server converts to the connection's utf8mb4 itself, so it is the judge): single-byte sets (latin1 is
    /// Windows-1252: '€' is 0x80), the UTF-16/32 sets, the East Asian multi-byte sets, and a MariaDB NO PAD collation.
    /// </summary>
    [ServerFact]
    public async Task Add_TextInEveryCharacterSet_RecordHoldsWhatSelectReturns()
    {
        (string Column, string Type, string Text)[] columns =
        [
            ("c_latin1", "VARCHAR(20) CHARACTER SET latin1", "café € ‰ ÿ"),
            ("c_latin1np", "VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_nopad_bin", "naïve œ"),
            ("c_cp1251", "VARCHAR(20) CHARACTER SET cp1251", "Привет, мир"),
            ("c_koi8r", "VARCHAR(20) CHARACTER SET koi8r", "журнал"),
            ("c_greek", "VARCHAR(20) CHARACTER SET greek", "Ελληνικά"),
            ("c_latin2", "VARCHAR(20) CHARACTER SET latin2", "łódź"),
            ("c_ucs2", "VARCHAR(20) CHARACTER SET ucs2", "Ωmega ж"),
            ("c_utf16", "VARCHAR(20) CHARACTER SET utf16", "a😀b"),
            ("c_utf16le", "VARCHAR(20) CHARACTER SET utf16le", "x🚀y"),
            ("c_utf32", "TEXT CHARACTER SET utf32", "🚀z"),
            ("c_sjis", "VARCHAR(20) CHARACTER SET sjis", "日本語のログ"),
            ("c_ujis", "VARCHAR(20) CHARACTER SET ujis", "変更"),
            ("c_gbk", "VARCHAR(20) CHARACTER SET gbk", "二进制日志"),
            ("c_big5", "VARCHAR(20) CHARACTER SET big5", "資料庫"),
            ("c_euckr", "VARCHAR(20) CHARACTER SET euckr", "데이터"),
            ("c_utf8mb3", "VARCHAR(20) CHARACTER SET utf8mb3", "ÆØÅ"),
        ];
        var capture = await VStreamCapture.CreateAsync(fixture,
            $"CREATE TABLE {{db}}.cs (id INT PRIMARY KEY, {string.Join(", ", columns.Select(c => $"{c.Column} {c.Type}"))})");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync($"INSERT INTO {{db}}.cs VALUES (1, {string.Join(", ", columns.Select(c => "'" + c.Text + "'"))})");
        var selected = (await fixture.Server.QueryAsync(capture.Qualify($"SELECT {string.Join(", ", columns.Select(c => c.Column))} FROM {{db}}.cs"))).Single();
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(1));

        var (records, _) = Records.Build(events, Records.Options());

        var after = Records.Payload(Assert.Single(records).Value).GetProperty("after");
        for (var i = 0; i < columns.Length; i++)
        {
            Assert.Equal(columns[i].Text, (string)selected[i]!); // the server stored what was written
            Assert.True(after.GetProperty(columns[i].Column).GetString() == (string)selected[i]!,
                $"{columns[i].Column}: {after.GetProperty(columns[i].Column)}, SELECT says \"{selected[i]}\"");
        }
    }

    [ServerFact]
    public async Task Add_InsertUpdateDelete_OpsBeforeAfterTombstoneAndPositions()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable);
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync(
            "INSERT INTO {db}.t VALUES (1, 'a', 1)",
            "UPDATE {db}.t SET qty = 2 WHERE id = 1",
            "DELETE FROM {db}.t WHERE id = 1");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(3));

        var (records, finalPosition) = Records.Build(events, Records.Options());

        Assert.Equal(["c", "u", "d", "tombstone"], records.Select(r => r.Value is null ? "tombstone" : Records.Op(r)));
        Assert.All(records, r => Assert.Equal("dbz.ks.t", r.Topic));
        Assert.All(records, r => Assert.Equal(1, JsonDocument.Parse(r.Key!).RootElement.GetProperty("payload").GetProperty("id").GetInt32()));
        var update = Records.Payload(records[1].Value);
        Assert.Equal(1, update.GetProperty("before").GetProperty("qty").GetInt32());
        Assert.Equal(2, update.GetProperty("after").GetProperty("qty").GetInt32());
        var delete = Records.Payload(records[2].Value);
        Assert.Equal(2, delete.GetProperty("before").GetProperty("qty").GetInt32());
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("after").ValueKind);
        Assert.Same(records[2].Key, records[3].Key);

        // Each transaction's records carry its shard GTID (the VGTID after it) and their index within it.
        var vgtids = events.Where(e => e.Type == VEventType.Vgtid).Select(e => e.Vgtid.ShardGtids.Single().Gtid).ToList();
        Assert.Equal(
            [(vgtids[0], 0, RecordKind.Change), (vgtids[1], 0, RecordKind.Change), (vgtids[2], 0, RecordKind.Change), (vgtids[2], 1, RecordKind.Tombstone)],
            records.Select(r => (r.Position.Gtid, r.Position.Index, r.Position.Kind)));
        Assert.All(records, r => Assert.Equal(("ks", "0"), (r.Position.Keyspace, r.Position.Shard)));
        Assert.Equal(vgtids[2], finalPosition!.ShardGtids.Single().Gtid);

        var source = delete.GetProperty("source");
        Assert.Equal(Vgtid(vgtids[2]), source.GetProperty("vgtid").GetString());
        Assert.Equal(("vitess", "dbz", "ks", "t", "0", "false", ""), (
            source.GetProperty("connector").GetString(), source.GetProperty("name").GetString(), source.GetProperty("keyspace").GetString(),
            source.GetProperty("table").GetString(), source.GetProperty("shard").GetString(), source.GetProperty("snapshot").GetString(),
            source.GetProperty("db").GetString()));
        var commit = events.Last(e => e.Type == VEventType.Commit);
        Assert.Equal(commit.Timestamp * 1000, source.GetProperty("ts_ms").GetInt64());
        Assert.Equal(FixedTimeProvider.Default.ToUnixTimeMilliseconds(), delete.GetProperty("ts_ms").GetInt64());
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("transaction").ValueKind);
    }

    [ServerFact]
    public async Task Add_PrimaryKeyChange_DeleteTombstoneCreateWithKeyHeaders()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable, "INSERT INTO {db}.t VALUES (1, 'a', 1)");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync("UPDATE {db}.t SET id = 10, name = 'b' WHERE id = 1");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(1));

        var (records, _) = Records.Build(events, Records.Options());

        Assert.Equal(["d", "tombstone", "c"], records.Select(r => r.Value is null ? "tombstone" : Records.Op(r)));
        Assert.Equal([0, 1, 2], records.Select(r => r.Position.Index));
        Assert.Equal([RecordKind.Change, RecordKind.Tombstone, RecordKind.Change], records.Select(r => r.Position.Kind));
        var oldKey = records[0].Key!;
        var newKey = records[2].Key!;
        Assert.Equal(1, Records.Payload(oldKey).GetProperty("id").GetInt32());
        Assert.Equal(10, Records.Payload(newKey).GetProperty("id").GetInt32());
        Assert.Same(oldKey, records[1].Key);
        Assert.Equal([("__debezium.newkey", newKey)], records[0].Headers!.Select(h => (h.Key, h.Value)));
        Assert.Equal([("__debezium.oldkey", oldKey)], records[2].Headers!.Select(h => (h.Key, h.Value)));
        Assert.Equal("a", Records.Payload(records[0].Value).GetProperty("before").GetProperty("name").GetString());
        Assert.Equal("b", Records.Payload(records[2].Value).GetProperty("after").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, Records.Payload(records[2].Value).GetProperty("before").ValueKind);
    }

    [ServerFact]
    public async Task Add_CopyPhase_RowsAreCreatesAsInTheVitessConnector()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable, "INSERT INTO {db}.t VALUES (1, 'a', 1), (2, 'b', 2)");
        var events = await capture.StreamAsync("", events => events.Any(e => e.Type == VEventType.CopyCompleted));
        Assert.All(events.Where(e => e.Type == VEventType.Row), e => Assert.Equal(0, e.Timestamp));

        var (records, _) = Records.Build(events, Records.Options());

        // VitessChangeRecordEmitter knows only CREATE/UPDATE/DELETE, VitessOffsetContext never marks a snapshot record,
        // and the row's time is the copy transaction's BEGIN timestamp, which VStream leaves 0.
        Assert.Equal([("c", 1), ("c", 2)], records.Select(r => (Records.Op(r), Records.Payload(r.Value).GetProperty("after").GetProperty("id").GetInt32())));
        Assert.All(records, r =>
        {
            var payload = Records.Payload(r.Value);
            var source = payload.GetProperty("source");
            Assert.Equal("false", source.GetProperty("snapshot").GetString());
            Assert.Equal((0L, 0L, 0L), (source.GetProperty("ts_ms").GetInt64(), source.GetProperty("ts_us").GetInt64(), source.GetProperty("ts_ns").GetInt64()));
            Assert.Equal(FixedTimeProvider.Default.ToUnixTimeMilliseconds(), payload.GetProperty("ts_ms").GetInt64());
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("before").ValueKind);
        });
    }

    [ServerFact]
    public async Task Add_CopyPhaseWithCopyRowOperationRead_RowsAreReadEventsThenStreamingRowsAreCreates()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable, "INSERT INTO {db}.t VALUES (1, 'a', 1), (2, 'b', 2), (3, NULL, 3)");
        var inserted = false;
        var events = await capture.StreamAsync("", async events =>
        {
            if (!inserted && events.Any(e => e.Type == VEventType.CopyCompleted))
            {
                inserted = true;
                await capture.ExecuteAsync("INSERT INTO {db}.t VALUES (4, 'd', 4)");
            }
            return inserted && events.SkipWhile(e => e.Type != VEventType.CopyCompleted).Any(e => e.Type == VEventType.Commit);
        });

        var options = new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), CopyRowOperation = CopyRowOperation.Read };
        var (records, position) = Records.Build(events, options);

        Assert.Equal([("r", 1), ("r", 2), ("r", 3), ("c", 4)], records.Select(r => (Records.Op(r), Records.Payload(r.Value).GetProperty("after").GetProperty("id").GetInt32())));
        var copied = Records.Payload(records[0].Value).GetProperty("source");
        Assert.Equal("true", copied.GetProperty("snapshot").GetString());
        Assert.Equal(FixedTimeProvider.Default.ToUnixTimeMilliseconds(), copied.GetProperty("ts_ms").GetInt64());
        Assert.Equal("false", Records.Payload(records[3].Value).GetProperty("source").GetProperty("snapshot").GetString());
        // During the copy the VGTID carries the table's last copied primary key, as Debezium writes it.
        var vgtid = JsonDocument.Parse(copied.GetProperty("vgtid").GetString()!).RootElement.EnumerateArray().Single();
        var tablePk = vgtid.GetProperty("table_p_ks").EnumerateArray().Single();
        Assert.Equal("t", tablePk.GetProperty("table_name").GetString());
        Assert.Equal("id", tablePk.GetProperty("lastpk").GetProperty("fields")[0].GetProperty("name").GetString());
        Assert.Equal("INT32", tablePk.GetProperty("lastpk").GetProperty("fields")[0].GetProperty("type").GetString());
        Assert.Equal(["1"], tablePk.GetProperty("lastpk").GetProperty("rows")[0].GetProperty("lengths").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("3", tablePk.GetProperty("lastpk").GetProperty("rows")[0].GetProperty("values").GetString());
        Assert.Empty(position!.ShardGtids.Single().TablePKs);
    }

    [ServerFact]
    public async Task Add_Ddl_SchemaChangeRecordThenRowsWithTheNewColumn()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable);
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync("ALTER TABLE {db}.t ADD COLUMN extra DECIMAL(5,1)", "INSERT INTO {db}.t VALUES (1, 'a', 1, 2.5)");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(2));
        var ddl = events.Single(e => e.Type == VEventType.Ddl);

        var (records, finalPosition) = Records.Build(events, new DebeziumEventOptions { TopicPrefix = "dbz", IncludeSchemaChanges = true, TimeProvider = new FixedTimeProvider() });

        Assert.Equal(["dbz", "dbz.ks.t"], records.Select(r => r.Topic));
        var schemaChange = records[0];
        Assert.Equal(RecordKind.SchemaChange, schemaChange.Position.Kind);
        var gtid = events.TakeWhile(e => e.Type != VEventType.Ddl).Last(e => e.Type == VEventType.Vgtid).Vgtid.ShardGtids.Single().Gtid;
        Assert.Equal(new RecordPosition("ks", "0", gtid, 0, RecordKind.SchemaChange), schemaChange.Position);
        Assert.Equal("ks", Records.Payload(schemaChange.Key).GetProperty("databaseName").GetString());
        Assert.Equal("io.debezium.connector.vitess.SchemaChangeKey", Records.Schema(schemaChange.Key).GetProperty("name").GetString());
        var value = Records.Payload(schemaChange.Value);
        Assert.Equal(ddl.Statement, value.GetProperty("ddl").GetString());
        Assert.Equal(capture.Qualify("ALTER TABLE {db}.t ADD COLUMN extra DECIMAL(5,1)"), value.GetProperty("ddl").GetString());
        Assert.Equal("ks", value.GetProperty("databaseName").GetString());
        Assert.Equal("t", value.GetProperty("source").GetProperty("table").GetString());
        Assert.Equal(Vgtid(gtid), value.GetProperty("source").GetProperty("vgtid").GetString());
        Assert.Equal(0, value.GetProperty("tableChanges").GetArrayLength());
        Assert.Equal("io.debezium.connector.vitess.SchemaChangeValue", Records.Schema(schemaChange.Value).GetProperty("name").GetString());
        Assert.Equal("2.5", Records.Payload(records[1].Value).GetProperty("after").GetProperty("extra").GetString());
        Assert.Equal(events.Last(e => e.Type == VEventType.Vgtid).Vgtid, finalPosition);

        // Without include-schema-changes the DDL writes nothing but still moves the position.
        var (plain, plainPosition) = Records.Build(events.TakeWhile(e => e.Type != VEventType.Ddl).Append(ddl), Records.Options());
        Assert.Empty(plain);
        Assert.Equal(gtid, plainPosition!.ShardGtids.Single().Gtid);
    }

    [ServerFact]
    public async Task Add_Heartbeat_RecordCarriesTheCurrentPositionOnlyOnceOneExists()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable);
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync("INSERT INTO {db}.t VALUES (1, 'a', 1)");
        var events = await capture.StreamAsync(position, events =>
            events.SkipWhile(e => e.Type != VEventType.Commit).Any(e => e.Type == VEventType.Heartbeat), heartbeatSeconds: 1);
        var early = new VEvent { Type = VEventType.Heartbeat, Timestamp = 1 };

        var (records, finalPosition) = Records.Build(events.Prepend(early), Records.Options());

        var heartbeat = records.Single(r => r.Position.Kind == RecordKind.Heartbeat);
        Assert.Equal("__debezium-heartbeat.dbz", heartbeat.Topic);
        Assert.Equal(new RecordPosition("", "", "", 0, RecordKind.Heartbeat), heartbeat.Position);
        Assert.Equal("dbz", Records.Payload(heartbeat.Key).GetProperty("serverName").GetString());
        Assert.Equal("io.debezium.connector.common.ServerNameKey", Records.Schema(heartbeat.Key).GetProperty("name").GetString());
        var value = Records.Payload(heartbeat.Value);
        Assert.Equal(Vgtid(finalPosition!.ShardGtids.Single().Gtid), value.GetProperty("vgtid").GetString());
        Assert.Equal(FixedTimeProvider.Default.ToUnixTimeMilliseconds(), value.GetProperty("ts_ms").GetInt64());
        Assert.Equal("io.debezium.connector.vitess.Heartbeat", Records.Schema(heartbeat.Value).GetProperty("name").GetString());

        var (off, _) = Records.Build(events, new DebeziumEventOptions { TopicPrefix = "dbz", HeartbeatTopicPrefix = null });
        Assert.DoesNotContain(off, r => r.Position.Kind == RecordKind.Heartbeat);
    }

    [ServerFact]
    public async Task Add_TransactionMetadata_BeginEndCountsAndOrders()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, "CREATE TABLE {db}.a (id INT PRIMARY KEY)", "CREATE TABLE {db}.b (id INT PRIMARY KEY)");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync("START TRANSACTION; INSERT INTO {db}.a VALUES (1); INSERT INTO {db}.b VALUES (1); INSERT INTO {db}.a VALUES (2); DELETE FROM {db}.b; COMMIT");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(1));

        var (records, finalPosition) = Records.Build(events, new DebeziumEventOptions { TopicPrefix = "dbz", TransactionMetadata = true, TimeProvider = new FixedTimeProvider() });

        Assert.Equal(
            ["dbz.transaction", "dbz.ks.a", "dbz.ks.b", "dbz.ks.a", "dbz.ks.b", "dbz.ks.b", "dbz.transaction"],
            records.Select(r => r.Topic));
        Assert.Equal(
            [RecordKind.TransactionBegin, RecordKind.Change, RecordKind.Change, RecordKind.Change, RecordKind.Change, RecordKind.Tombstone, RecordKind.TransactionEnd],
            records.Select(r => r.Position.Kind));
        Assert.Equal(Enumerable.Range(0, 7), records.Select(r => r.Position.Index));
        var id = Vgtid(finalPosition!.ShardGtids.Single().Gtid);
        var commitMs = events.Single(e => e.Type == VEventType.Commit).Timestamp * 1000;

        var begin = Records.Payload(records[0].Value);
        Assert.Equal(("BEGIN", id, JsonValueKind.Null, JsonValueKind.Null, commitMs), (
            begin.GetProperty("status").GetString(), begin.GetProperty("id").GetString(), begin.GetProperty("event_count").ValueKind,
            begin.GetProperty("data_collections").ValueKind, begin.GetProperty("ts_ms").GetInt64()));
        Assert.Equal(id, Records.Payload(records[0].Key).GetProperty("id").GetString());
        Assert.Equal("io.debezium.connector.common.TransactionMetadataValue", Records.Schema(records[0].Value).GetProperty("name").GetString());

        Assert.Equal([(1, 1), (2, 1), (3, 2), (4, 2)], Records.Changes(records).Select(r =>
        {
            var transaction = Records.Payload(r.Value).GetProperty("transaction");
            Assert.Equal(id, transaction.GetProperty("id").GetString());
            return (transaction.GetProperty("total_order").GetInt32(), transaction.GetProperty("data_collection_order").GetInt32());
        }));

        var end = Records.Payload(records[6].Value);
        Assert.Equal("END", end.GetProperty("status").GetString());
        Assert.Equal(4, end.GetProperty("event_count").GetInt32());
        Assert.Equal([("ks.a", 2), ("ks.b", 2)], end.GetProperty("data_collections").EnumerateArray()
            .Select(c => (c.GetProperty("data_collection").GetString(), c.GetProperty("event_count").GetInt32())));
    }

    [ServerFact]
    public async Task Add_BareTableNamesFilterAndKeyOverride_TopicsKeysAndExclusions()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, SimpleTable, "CREATE TABLE {db}.skipped (id INT PRIMARY KEY)", "CREATE TABLE {db}.nokey (v INT)");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync(
            "INSERT INTO {db}.t VALUES (1, 'a', 7)",
            "INSERT INTO {db}.skipped VALUES (1)",
            "INSERT INTO {db}.nokey VALUES (5)",
            "DELETE FROM {db}.nokey");
        var events = await capture.StreamAsync(position, VStreamCapture.Ends(4), excludeKeyspaceFromTableName: true);
        Assert.Contains(events, e => e.Type == VEventType.Field && e.FieldEvent.TableName == "t");

        var (records, _) = Records.Build(events, new DebeziumEventOptions
        {
            TopicPrefix = "dbz",
            TableFilter = (keyspace, table) => table != "skipped",
            KeyColumns = new Dictionary<string, IReadOnlyList<string>> { ["ks.t"] = ["name", "id"] },
        });

        Assert.Equal(["dbz.ks.t", "dbz.ks.nokey", "dbz.ks.nokey", "dbz.ks.nokey"], records.Select(r => r.Topic));
        var key = JsonDocument.Parse(records[0].Key!).RootElement;
        Assert.Equal(["name", "id"], key.GetProperty("payload").EnumerateObject().Select(p => p.Name));
        Assert.True(Records.Field(key.GetProperty("schema"), "name").GetProperty("optional").GetBoolean());
        // A table without a key: null keys, and (as in Debezium's EventDispatcher) a tombstone after its delete all the same.
        Assert.All(records.Skip(1), r => Assert.Null(r.Key));
        Assert.Equal(["c", "d", "tombstone"], records.Skip(1).Select(r => r.Value is null ? "tombstone" : Records.Op(r)));
        Assert.Equal(RecordKind.Tombstone, records[3].Position.Kind);
    }

    /// <summary>Runs the all-types statements and returns the two transactions' events.</summary>
    private async Task<List<VEvent>> AllTypesEventsAsync()
    {
        var capture = await VStreamCapture.CreateAsync(fixture, AllTypes.CreateTable);
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync(AllTypes.InsertFull, AllTypes.InsertNulls);
        return await capture.StreamAsync(position, VStreamCapture.Ends(2));
    }

    /// <summary>
    /// Column → (schema type, logical name, expected value) for the first all-types row: with the defaults (the Vitess
    /// connector's mapping), or with the options that give Debezium MySQL's (Connect Decimal, float32, little-endian
    /// Bits, the Geometry struct).
    /// </summary>
    private static List<(string Column, string Type, string? Name, object? Value)> AllTypesExpectations(bool vitessDefaults) =>
    [
        ("id", "int32", null, 1L),
        ("c_tinyint", "int16", null, -128L),
        ("c_tinyint_u", "int16", null, 255L),
        ("c_smallint", "int16", null, -32768L),
        ("c_smallint_u", "int32", null, 65535L),
        ("c_mediumint", "int32", null, -8388608L),
        ("c_mediumint_u", "int32", null, 16777215L),
        ("c_int", "int32", null, (long)int.MinValue),
        ("c_int_u", "int64", null, (long)uint.MaxValue),
        ("c_bigint", "int64", null, long.MinValue),
        ("c_bigint_u", "string", null, ulong.MaxValue.ToString(CultureInfo.InvariantCulture)),
        ("c_bool", "int16", null, 1L),
        vitessDefaults ? ("c_float", "double", null, 1.5) : ("c_float", "float", null, 1.5),
        ("c_double", "double", null, -2.25e100),
        // The Vitess connector's VitessType maps DECIMAL to VARCHAR: the text, whatever decimal.handling.mode says.
        vitessDefaults ? ("c_decimal", "string", null, "-12345678.91") : ("c_decimal", "bytes", "org.apache.kafka.connect.data.Decimal", Unscaled("-1234567891")),
        vitessDefaults
            ? ("c_decimal_big", "string", null, "1234567890123456789012345.67891")
            : ("c_decimal_big", "bytes", "org.apache.kafka.connect.data.Decimal", Unscaled("123456789012345678901234567891")),
        ("c_date", "int32", "io.debezium.time.Date", (long)Days(2024, 2, 29)),
        ("c_time", "int64", "io.debezium.time.MicroTime", -(838L * 3600 + 59 * 60 + 59) * 1_000_000),
        ("c_time6", "int64", "io.debezium.time.MicroTime", (12L * 3600 + 34 * 60 + 56) * 1_000_000 + 789012),
        ("c_datetime", "int64", "io.debezium.time.Timestamp", Millis("1999-12-31T23:59:59Z")),
        ("c_datetime3", "int64", "io.debezium.time.Timestamp", Millis("2000-01-01T00:00:00.123Z")),
        ("c_datetime6", "int64", "io.debezium.time.MicroTimestamp", Millis("1969-07-20T20:17:40.654Z") * 1000 + 321),
        ("c_timestamp", "string", "io.debezium.time.ZonedTimestamp", "2038-01-19T03:14:07Z"),
        ("c_timestamp6", "string", "io.debezium.time.ZonedTimestamp", "2024-05-06T07:08:09.100000Z"),
        ("c_year", "int32", "io.debezium.time.Year", 2155L),
        ("c_char", "string", null, "ab"),
        ("c_varchar", "string", null, "héllo \"quoted\" \\ back"),
        ("c_text", "string", null, "a\nb"),
        ("c_latin1", "string", null, "café"),
        ("c_binary", "bytes", null, Convert.ToBase64String([1, 2, 0, 0])),
        ("c_varbinary", "bytes", null, Convert.ToBase64String([0xDE, 0xAD, 0xBE, 0xEF])),
        ("c_blob", "bytes", null, Convert.ToBase64String([0x00, 0xFF])),
        ("c_bit1", "boolean", null, true),
        // b'1000000001' is 0x0201: the Vitess connector passes VStream's big-endian bytes, Debezium MySQL writes little-endian.
        ("c_bit10", "bytes", "io.debezium.data.Bits", Convert.ToBase64String(vitessDefaults ? [0x02, 0x01] : [0x01, 0x02])),
        ("c_enum", "string", "io.debezium.data.Enum", "medium"),
        ("c_set", "string", "io.debezium.data.EnumSet", "a,c"),
        // MariaDB's JSON is LONGTEXT with a check: it arrives as TEXT and stays a plain string.
        ("c_json", "string", null, "{\"k\": [1, 2.5, \"x\"]}"),
        // Spatial columns have no mapping in the Vitess connector: left out (include.unknown.datatypes is off).
        .. (vitessDefaults ? Array.Empty<(string, string, string?, object?)>() :
        [
            ("c_geometry", "struct", "io.debezium.data.geometry.Geometry", (Wkb(2, 0, 0, 1, 2), 0L)),
            ("c_point", "struct", "io.debezium.data.geometry.Geometry", (Wkb(1, 3, 4), 4326L)),
        ]),
        ("c_date_nn", "int32", "io.debezium.time.Date", (long)Days(2001, 2, 3)),
    ];

    private static void AssertValue(string column, JsonElement actual, object? expected)
    {
        switch (expected)
        {
            case long l:
                Assert.True(actual.ValueKind == JsonValueKind.Number && actual.GetInt64() == l, $"{column}: {actual}, expected {l}");
                break;
            case double d:
                Assert.True(actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == d, $"{column}: {actual}, expected {d}");
                break;
            case string s:
                Assert.True(actual.ValueKind == JsonValueKind.String && actual.GetString() == s, $"{column}: {actual}, expected \"{s}\"");
                break;
            case bool b:
                Assert.True(actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False), $"{column}: {actual}, expected {b}");
                break;
            case (string wkb, long srid):
                Assert.Equal(wkb, actual.GetProperty("wkb").GetString());
                Assert.Equal(srid, actual.GetProperty("srid").GetInt64());
                break;
            default:
                Assert.Fail($"{column}: no expectation of type {expected?.GetType()}");
                break;
        }
    }

    private static string? Parameter(JsonElement structSchema, string column, string parameter) =>
        Records.Field(structSchema, column).GetProperty("parameters").GetProperty(parameter).GetString();

    /// <summary>Kafka Connect Decimal: the unscaled value as big-endian two's complement, base64 in JSON.</summary>
    private static string Unscaled(string unscaled) =>
        Convert.ToBase64String(BigInteger.Parse(unscaled, CultureInfo.InvariantCulture).ToByteArray(isUnsigned: false, isBigEndian: true));

    private static int Days(int year, int month, int day) => new DateOnly(year, month, day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static long Millis(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>Little-endian WKB of a point (type 1) or a linestring (type 2) from coordinate pairs.</summary>
    private static string Wkb(int type, params double[] coordinates)
    {
        var bytes = new byte[1 + 4 + (type == 2 ? 4 : 0) + 8 * coordinates.Length];
        bytes[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), type);
        var at = 5;
        if (type == 2)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), coordinates.Length / 2);
            at += 4;
        }
        foreach (var c in coordinates)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), c);
            at += 8;
        }
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The VGTID JSON of the single test shard at <paramref name="gtid"/>, as Debezium's Vgtid.toString writes it.</summary>
    private static string Vgtid(string gtid) =>
        new StringBuilder().Append("[{\"keyspace\":\"ks\",\"shard\":\"0\",\"gtid\":\"").Append(gtid).Append("\",\"table_p_ks\":[]}]").ToString();
}
