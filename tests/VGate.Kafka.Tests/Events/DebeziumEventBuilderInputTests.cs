using Binlogdata;
using Google.Protobuf;
using VGate.Kafka.Events;
using static VGate.Kafka.Tests.Events.EventFactory;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// Malformed and unusual streams: each bad input fails with a <see cref="DebeziumEventException"/> that names what is
/// wrong, and nothing of the failing transaction is emitted (so the sink can stop without losing or half-writing
/// anything). Also the grammar corners a real stream has (copy-phase double BEGIN, ROLLBACK, position-only events).
/// </summary>
public sealed class DebeziumEventBuilderInputTests
{
    private static readonly Query.Field Id = Column("id", Query.Type.Int32, PrimaryKey, "int(11)");
    private static readonly Query.Field Name = Column("name", Query.Type.Varchar, 0, "varchar(20)");

    [Fact]
    public void Add_RowBeforeItsField_ThrowsNamingTheTable()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Begin(), output);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Insert("t", "1", "a"), output));

        Assert.Contains("'ks.t'", error.Message, StringComparison.Ordinal);
        Assert.Contains("before any FIELD", error.Message, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void Add_RowOfAnotherShardThanItsField_Throws()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Name), output);
        builder.Add(Begin(), output);
        var row = Insert("t", "1", "a");
        row.Shard = "-80";

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(row, output));

        Assert.Contains("ks/-80", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "1" }, "has 1 values but the table's FIELD event has 2 columns")]
    [InlineData(new[] { "1", "a", "extra" }, "has 3 values but the table's FIELD event has 2 columns")]
    public void Add_RowWithWrongColumnCount_ThrowsWithBothCounts(string[] cells, string expected)
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Name), output);
        builder.Add(Begin(), output);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Insert("t", cells), output));

        Assert.Contains("ks.t on shard 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("after image " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_RowWhoseLengthsDisagreeWithItsBytes_Throws()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Name), output);
        builder.Add(Begin(), output);
        var row = Cells("1", "abc");
        row.Values = ByteString.CopyFromUtf8("1ab");

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Row("t", new RowChange { Before = row }), output));

        Assert.Contains("before image has value lengths adding up to 4 bytes but carries 3 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Query.Type.Expression)]
    [InlineData(Query.Type.Tuple)]
    [InlineData(Query.Type.Hexnum)]
    [InlineData(Query.Type.RowTuple)]
    [InlineData((Query.Type)9999)]
    public void Add_FieldWithATypeWithoutMapping_ThrowsNamingTheColumnAndType(Query.Type type)
    {
        using var builder = NewBuilder();

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Field("t", Id, Column("odd", type, 0, "mystery")), []));

        Assert.Contains("ks.t.odd on shard 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no Debezium mapping", error.Message, StringComparison.Ordinal);
        Assert.Contains(((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Query.Type.Int32, "int(11)", "abc", "is not a 32-bit integer")]
    [InlineData(Query.Type.Int8, "tinyint(4)", "99999", "is not a 16-bit integer")]
    [InlineData(Query.Type.Decimal, "decimal(5,1)", "1.25", "is not a DECIMAL with scale 1")]
    [InlineData(Query.Type.Date, "date", "2024-13-01", "is not a DATE")]
    [InlineData(Query.Type.Datetime, "datetime", "yesterday", "is not a DATETIME")]
    [InlineData(Query.Type.Time, "time", "12:61:00", "is not a TIME")]
    [InlineData(Query.Type.Float64, "double", "NaN", "is not a number")]
    public void Add_ValueThatDoesNotParse_ThrowsAtCommitAndEmitsNothingOfTheTransaction(Query.Type type, string columnType, string value, string expected)
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        var column = Column("v", type, 0, columnType);
        column.Decimals = type == Query.Type.Decimal ? 1u : 0u;
        builder.Add(Field("t", Id, column), output);
        builder.Add(Begin(), output);
        builder.Add(Insert("t", "1", null), output);
        builder.Add(Insert("t", "2", value), output);
        builder.Add(Vgtid(), output);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Commit(), output));

        Assert.Contains($"ks.t.v on shard 0", error.Message, StringComparison.Ordinal);
        Assert.Contains($"value '{value}' {expected}", error.Message, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Null(builder.Position);
    }

    [Fact]
    public void Add_InvalidUtf8InATextColumn_ThrowsShowingTheBytes()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Name), output);
        builder.Add(Begin(), output);
        var row = new Query.Row { Lengths = { 1, 2 }, Values = ByteString.CopyFrom((byte)'1', 0xC3, 0x28) };
        builder.Add(Row("t", new RowChange { After = row }), output);
        builder.Add(Vgtid(), output);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Commit(), output));

        Assert.Contains("'C328' is not UTF-8 text", error.Message, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void Add_PartialJsonOrUnmatchableBitmap_Throws_FullBitmapIsAWholeRow()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Name), output);
        builder.Add(Begin(), output);
        var partialJson = new RowChange { Before = Cells("1", "a"), After = Cells("1", "b"), JsonPartialValues = new RowChange.Types.Bitmap { Count = 2, Cols = ByteString.CopyFrom(2) } };
        // data_columns over a source table of 3 columns while the FIELD has 2 (a filter selecting some of them).
        var projected = new RowChange { Before = Cells("1", "a"), After = Cells("1", null), DataColumns = new RowChange.Types.Bitmap { Count = 3, Cols = ByteString.CopyFrom(5) } };
        var shortBits = new RowChange { Before = Cells("1", "a"), After = Cells("1", null), DataColumns = new RowChange.Types.Bitmap { Count = 2 } };
        var fullImage = new RowChange { Before = Cells("1", "a"), After = Cells("1", "c"), DataColumns = new RowChange.Types.Bitmap { Count = 2, Cols = ByteString.CopyFrom(3) } };

        Assert.Contains("partial JSON", Assert.Throws<DebeziumEventException>(() => builder.Add(Row("t", partialJson), output)).Message, StringComparison.Ordinal);
        Assert.Contains("data_columns has 3 bits for the FIELD event's 2 columns", Assert.Throws<DebeziumEventException>(() => builder.Add(Row("t", projected), output)).Message, StringComparison.Ordinal);
        Assert.Contains("data_columns bitmap of 0 bytes for 2 columns", Assert.Throws<DebeziumEventException>(() => builder.Add(Row("t", shortBits), output)).Message, StringComparison.Ordinal);
        builder.Add(Row("t", fullImage), output);
        builder.Add(Vgtid(), output);
        builder.Add(Commit(), output);
        Assert.Equal("u", Records.Op(Assert.Single(output)));
    }

    [Fact]
    public void Add_NoBlobUpdate_AbsentBlobAndTextArePlaceholders_RealNullsAndOtherColumnsStayNull()
    {
        // (id, t TEXT, b BLOB, v VARCHAR, n TEXT, w VARCHAR), data_columns 0b011001: t and b absent (NOBLOB left them
        // out), v and n present with real NULLs, w absent but not BLOB/TEXT (MySQL never leaves such a column out, and
        // Debezium then leaves it NULL).
        var text = Column("t", Query.Type.Text, 0, "text");
        var blob = Column("b", Query.Type.Blob, 0, "blob");
        var varchar = Column("v", Query.Type.Varchar, 0, "varchar(10)");
        var note = Column("n", Query.Type.Text, 0, "text");
        var other = Column("w", Query.Type.Varchar, 0, "varchar(10)");
        var change = new RowChange
        {
            Before = Cells("1", null, null, null, "x", null),
            After = Cells("1", null, null, null, null, null),
            DataColumns = new RowChange.Types.Bitmap { Count = 6, Cols = ByteString.CopyFrom(0b011001) },
        };
        var (records, _) = Records.Build([Field("t", Id, text, blob, varchar, note, other), Begin(), Row("t", change), Vgtid(), Commit()], Records.Options());

        var payload = Records.Payload(Assert.Single(records).Value);
        var after = payload.GetProperty("after");
        Assert.Equal("__debezium_unavailable_value", after.GetProperty("t").GetString());
        Assert.Equal(Convert.ToBase64String("__debezium_unavailable_value"u8), after.GetProperty("b").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("v").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("n").ValueKind); // present in the image: a real NULL
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("w").ValueKind);
        // The before image has no bitmap of its own: the after image's applies (as Debezium's Vitess connector does).
        var before = payload.GetProperty("before");
        Assert.Equal("__debezium_unavailable_value", before.GetProperty("t").GetString());
        Assert.Equal("x", before.GetProperty("n").GetString());
    }

    [Fact]
    public void Add_NoBlobInsert_PlaceholderFromTheOptions_HexBinaryHandling()
    {
        var blob = Column("b", Query.Type.Blob, 0, "blob");
        var change = new RowChange { After = Cells("1", null), DataColumns = new RowChange.Types.Bitmap { Count = 2, Cols = ByteString.CopyFrom(0xfd) } };
        var options = new DebeziumEventOptions
        {
            TopicPrefix = "dbz",
            TimeProvider = new FixedTimeProvider(),
            UnavailableValuePlaceholder = "n/a",
            BinaryHandling = BinaryHandling.Hex,
        };

        var (records, _) = Records.Build([Field("t", Id, blob), Begin(), Row("t", change), Vgtid(), Commit()], options);

        // Bits past the column count (MySQL may write the bitmap's unused bits set) are ignored.
        Assert.Equal("6e2f61", Records.Payload(Assert.Single(records).Value).GetProperty("after").GetProperty("b").GetString());
    }

    [Fact]
    public void Add_DeleteWithoutBitmap_AbsentBlobStaysNull()
    {
        // Without a before-image bitmap (VStream has none) a DELETE's absent BLOB cannot be told from NULL: it stays NULL.
        var blob = Column("b", Query.Type.Blob, 0, "blob");
        var change = new RowChange { Before = Cells("1", null) };

        var (records, _) = Records.Build([Field("t", Id, blob), Begin(), Row("t", change), Vgtid(), Commit()], Records.Options());

        Assert.Equal(System.Text.Json.JsonValueKind.Null, Records.Payload(records[0].Value).GetProperty("before").GetProperty("b").ValueKind);
    }

    [Fact]
    public void Add_ChangeWithNeitherImage_Throws()
    {
        using var builder = NewBuilder();
        builder.Add(Field("t", Id, Name), []);
        builder.Add(Begin(), []);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Row("t", new RowChange()), []));

        Assert.Contains("row change 0 has neither a before nor an after image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_CommitWithRowsButNoVgtid_Throws()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Name), output);
        builder.Add(Begin(), output);
        builder.Add(Insert("t", "1", "a"), output);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Commit(), output));

        Assert.Contains("1 row events but no VGTID", error.Message, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void Add_BeginWhileATransactionWithRowsIsOpen_Throws()
    {
        using var builder = NewBuilder();
        builder.Add(Field("t", Id, Name), []);
        builder.Add(Begin(), []);
        builder.Add(Insert("t", "1", "a"), []);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Begin(), []));

        Assert.Contains("still holds 1 row events without a COMMIT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_RowOutsideATransaction_Throws()
    {
        using var builder = NewBuilder();
        builder.Add(Field("t", Id, Name), []);

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Insert("t", "1", "a"), []));

        Assert.Contains("outside a transaction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_KeyColumnsOverrideNamingAMissingColumn_ThrowsListingTheColumns()
    {
        using var builder = new DebeziumEventBuilder(new DebeziumEventOptions
        {
            TopicPrefix = "dbz",
            KeyColumns = new Dictionary<string, IReadOnlyList<string>> { ["ks.t"] = ["nope"] },
        });

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Field("t", Id, Name), []));

        Assert.Contains("key column 'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(columns: id, name)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_CopyPhaseEmptyTable_DoubleBeginIsToleratedAndOnlyMovesThePosition()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        var last = Vgtid("MariaDB/0-1-9");

        foreach (var vevent in new[] { Begin(), Field("t", Id, Name), Vgtid("MariaDB/0-1-8"), Begin(), last, Commit() })
            builder.Add(vevent, output);

        Assert.Empty(output);
        Assert.Same(last.Vgtid, builder.Position);
    }

    [Fact]
    public void Add_Rollback_DropsTheBufferedRows()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();

        foreach (var vevent in new[] { Field("t", Id, Name), Begin(), Insert("t", "1", "a"), Vgtid(), new VEvent { Type = VEventType.Rollback }, Begin(), Insert("t", "2", "b"), Vgtid("MariaDB/0-1-6"), Commit() })
            builder.Add(vevent, output);

        var record = Assert.Single(output);
        Assert.Equal(2, Records.Payload(record.Value).GetProperty("after").GetProperty("id").GetInt32());
        Assert.Equal("MariaDB/0-1-6", record.Position.Gtid);
    }

    [Fact]
    public void Add_PositionOnlyEvents_MovePositionAndHeartbeatsWaitForOne()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        var heartbeat = new VEvent { Type = VEventType.Heartbeat, Timestamp = 1 };

        builder.Add(heartbeat, output);
        Assert.Empty(output);
        Assert.Null(builder.Position);

        var current = Vgtid("MariaDB/0-1-3");
        builder.Add(current, output);
        Assert.Null(builder.Position);
        builder.Add(new VEvent { Type = VEventType.Other, Keyspace = "ks", Shard = "0" }, output);
        Assert.Same(current.Vgtid, builder.Position);

        builder.Add(heartbeat, output);
        Assert.Equal(RecordKind.Heartbeat, Assert.Single(output).Position.Kind);
    }

    [Fact]
    public void Add_NumericEnumAndSetValues_MappedToTheirNamesLikeOlderVitess()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        var field = Field("t", enumSetStrings: false, Id,
            Column("e", Query.Type.Enum, 0, "enum('x','it''s','z')"),
            Column("s", Query.Type.Set, 0, "set('a','b,c','d')"));

        foreach (var vevent in new[] { field, Begin(), Insert("t", "1", "2", "5"), Insert("t", "2", "0", "0"), Vgtid(), Commit() })
            builder.Add(vevent, output);

        var first = Records.Payload(output[0].Value).GetProperty("after");
        Assert.Equal(("it's", "a,d"), (first.GetProperty("e").GetString(), first.GetProperty("s").GetString()));
        var second = Records.Payload(output[1].Value).GetProperty("after");
        Assert.Equal(("", ""), (second.GetProperty("e").GetString(), second.GetProperty("s").GetString()));
        Assert.Equal("x,it's,z", Records.Field(Records.Field(Records.Schema(output[0].Value), "after"), "e").GetProperty("parameters").GetProperty("allowed").GetString());
    }

    [Fact]
    public void Add_FieldReplacedMidTransaction_EachRowKeepsTheSchemaItArrivedWith()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();

        foreach (var vevent in new[]
        {
            Field("t", Id, Name), Begin(), Insert("t", "1", "a"),
            Field("t", Id, Name, Column("extra", Query.Type.Int64, 0, "bigint(20)")), Insert("t", "2", "b", "7"),
            Vgtid(), Commit(),
        })
        {
            builder.Add(vevent, output);
        }

        Assert.Equal(2, Records.Payload(output[0].Value).GetProperty("after").EnumerateObject().Count());
        Assert.Equal(7, Records.Payload(output[1].Value).GetProperty("after").GetProperty("extra").GetInt64());
    }

    [Fact]
    public void Add_TwoShardsWithDifferentSchemas_EachShardUsesItsOwnFieldAndGtid()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        VEvent On(string shard, VEvent vevent)
        {
            vevent.Shard = shard;
            if (vevent.FieldEvent is { } field)
                field.Shard = shard;
            if (vevent.RowEvent is { } row)
                row.Shard = shard;
            return vevent;
        }
        VEvent Vgtid2(string left, string right) => new()
        {
            Type = VEventType.Vgtid,
            Vgtid = new VGtid
            {
                ShardGtids =
                {
                    new ShardGtid { Keyspace = "ks", Shard = "-80", Gtid = left },
                    new ShardGtid { Keyspace = "ks", Shard = "80-", Gtid = right },
                },
            },
        };

        foreach (var vevent in new[]
        {
            On("-80", Begin()), On("-80", Field("t", Id, Name)), On("-80", Insert("t", "1", "a")), Vgtid2("MariaDB/1-1-7", "MariaDB/2-2-3"), On("-80", Commit()),
            // 80- already has the new column (shards apply DDL at different times).
            On("80-", Begin()), On("80-", Field("t", Id, Name, Column("extra", Query.Type.Int32, 0, "int(11)"))), On("80-", Insert("t", "9", "z", "5")),
            Vgtid2("MariaDB/1-1-7", "MariaDB/2-2-4"), On("80-", Commit()),
            On("-80", Begin()), On("-80", Insert("t", "2", "b")), Vgtid2("MariaDB/1-1-8", "MariaDB/2-2-4"), On("-80", Commit()),
        })
        {
            builder.Add(vevent, output);
        }

        Assert.All(output, r => Assert.Equal("dbz.ks.t", r.Topic));
        Assert.Equal([("-80", "MariaDB/1-1-7"), ("80-", "MariaDB/2-2-4"), ("-80", "MariaDB/1-1-8")], output.Select(r => (r.Position.Shard, r.Position.Gtid)));
        Assert.Equal(["-80", "80-", "-80"], output.Select(r => Records.Payload(r.Value).GetProperty("source").GetProperty("shard").GetString()));
        Assert.Equal([2, 3, 2], output.Select(r => Records.Payload(r.Value).GetProperty("after").EnumerateObject().Count()));
        Assert.Equal(
            "[{\"keyspace\":\"ks\",\"shard\":\"-80\",\"gtid\":\"MariaDB/1-1-8\",\"table_p_ks\":[]},{\"keyspace\":\"ks\",\"shard\":\"80-\",\"gtid\":\"MariaDB/2-2-4\",\"table_p_ks\":[]}]",
            Records.Payload(output[2].Value).GetProperty("source").GetProperty("vgtid").GetString());
        Assert.Equal("MariaDB/1-1-8", builder.Position!.ShardGtids[0].Gtid);
    }

    [Fact]
    public void Add_MySqlOnlyTypesWithVectorAsFloatVector_JsonDocumentAndFloatVector()
    {
        // MariaDB has no JSON or VECTOR column type of its own, so these come from hand-made FIELD and ROW events with
        // the values as MySQL's VStream sends them (JSON text; VECTOR as little-endian float32 bytes).
        using var builder = new DebeziumEventBuilder(new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), VectorAsFloatVector = true });
        var output = new List<ChangeRecord>();
        var vector = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(vector, 1.5f);
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(vector.AsSpan(4), -2f);
        var row = Cells("1", "{\"a\": [1, null]}", null);
        row.Lengths[2] = vector.Length;
        row.Values = ByteString.CopyFrom([.. row.Values.ToByteArray(), .. vector]);

        foreach (var vevent in new[]
        {
            Field("t", Id, Column("doc", Query.Type.Json, 0, "json"), Column("v", Query.Type.Vector, 0, "vector(2)")),
            Begin(), Row("t", new RowChange { After = row }), Vgtid(), Commit(),
        })
        {
            builder.Add(vevent, output);
        }

        var value = System.Text.Json.JsonDocument.Parse(Assert.Single(output).Value!).RootElement;
        var after = value.GetProperty("payload").GetProperty("after");
        Assert.Equal("{\"a\": [1, null]}", after.GetProperty("doc").GetString());
        Assert.Equal([1.5f, -2f], after.GetProperty("v").EnumerateArray().Select(e => e.GetSingle()));
        var schema = Records.Field(value.GetProperty("schema"), "after");
        Assert.Equal("io.debezium.data.Json", Records.Field(schema, "doc").GetProperty("name").GetString());
        Assert.Equal("io.debezium.data.FloatVector", Records.Field(schema, "v").GetProperty("name").GetString());
        Assert.Equal("float", Records.Field(schema, "v").GetProperty("items").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Add_Vector_LeftOutAsByTheVitessConnectorOrBytesWithIncludeUnknownDatatypes(bool includeUnknown)
    {
        using var builder = new DebeziumEventBuilder(new DebeziumEventOptions
        {
            TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), IncludeUnknownDatatypes = includeUnknown,
        });
        var output = new List<ChangeRecord>();
        var vector = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(vector, 1.5f);
        var row = Cells("1", null);
        row.Lengths[1] = vector.Length;
        row.Values = ByteString.CopyFrom([.. row.Values.ToByteArray(), .. vector]);

        foreach (var vevent in new[] { Field("t", Id, Column("v", Query.Type.Vector, 0, "vector(1)")), Begin(), Row("t", new RowChange { After = row }), Vgtid(), Commit() })
            builder.Add(vevent, output);

        var value = System.Text.Json.JsonDocument.Parse(Assert.Single(output).Value!).RootElement;
        var after = value.GetProperty("payload").GetProperty("after");
        Assert.Equal(includeUnknown, after.TryGetProperty("v", out var v));
        if (includeUnknown)
            Assert.Equal(Convert.ToBase64String(vector), v.GetString());
    }

    [Fact]
    public void Constructor_BadOptions_ThrowArgumentExceptions()
    {
        Assert.Throws<ArgumentException>(() => new DebeziumEventBuilder(new DebeziumEventOptions { TopicPrefix = " " }));
        Assert.Throws<ArgumentException>(() => new DebeziumEventBuilder(new DebeziumEventOptions { TopicPrefix = "p", HeartbeatTopicPrefix = "" }));
        Assert.Throws<ArgumentNullException>(() => new DebeziumEventBuilder(null!));
    }

    [Fact]
    public void Add_StatementBasedDml_ThrowsNamingTheStatementUnlessSkipped()
    {
        // What VStream carries for a source session with binlog_format=STATEMENT: SQL, no rows.
        var dml = new VEvent { Type = VEventType.Insert, Dml = "INSERT INTO t VALUES (1, 'a')", Keyspace = "ks", Shard = "0" };
        using (var builder = NewBuilder())
        {
            var output = new List<ChangeRecord>();
            builder.Add(Begin(), output);

            var error = Assert.Throws<DebeziumEventException>(() => builder.Add(dml, output));

            Assert.Contains("ks/0", error.Message, StringComparison.Ordinal);
            Assert.Contains("INSERT INTO t VALUES (1, 'a')", error.Message, StringComparison.Ordinal);
            Assert.Contains("--skip-statement-dml", error.Message, StringComparison.Ordinal);
            Assert.Empty(output);
        }

        using var skipping = new DebeziumEventBuilder(new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), SkipStatementDml = true });
        var records = new List<ChangeRecord>();
        skipping.Add(Begin(), records);
        skipping.Add(dml, records);
        Assert.Empty(records);
    }

    [Fact]
    public void Add_KeyColumnsOverrideNamingALeftOutSpatialColumn_ThrowsNamingIncludeUnknownDatatypes()
    {
        using var builder = new DebeziumEventBuilder(new DebeziumEventOptions
        {
            TopicPrefix = "dbz",
            KeyColumns = new Dictionary<string, IReadOnlyList<string>> { ["ks.t"] = ["g"] },
        });
        var output = new List<ChangeRecord>();

        var error = Assert.Throws<DebeziumEventException>(() => builder.Add(Field("t", Id, Column("g", Query.Type.Geometry, 0, "geometry")), output));

        Assert.Contains("key column 'g'", error.Message, StringComparison.Ordinal);
        Assert.Contains("include.unknown.datatypes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_PrimaryKeyWithALeftOutSpatialColumn_KeyHasTheOtherColumnsOnly()
    {
        using var builder = NewBuilder();
        var output = new List<ChangeRecord>();
        builder.Add(Field("t", Id, Column("g", Query.Type.Geometry, PrimaryKey, "geometry")), output);
        builder.Add(Begin(), output);
        builder.Add(Insert("t", "1", "\0\0\0\0"), output);
        builder.Add(Vgtid(), output);
        builder.Add(Commit(), output);

        var record = Assert.Single(output);
        Assert.Equal("{\"id\":1}", Records.Payload(record.Key).GetRawText());
        Assert.Equal("{\"id\":1}", Records.Payload(record.Value).GetProperty("after").GetRawText());
    }

    private static DebeziumEventBuilder NewBuilder() => new(new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider() });
}
