using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog;

public sealed class BinlogFileReaderTests
{
    // Event counts per type from the header walk in TestData/mysql/PROVENANCE.md (names as in that table).
    public static TheoryData<string, string> Files => new()
    {
        { "mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×60, QUERY×60, TABLE_MAP×60, WRITE_ROWS_V2×34, XID×60, UPDATE_ROWS_V2×20, DELETE_ROWS_V2×6, ROTATE×1" },
        { "mysql/mysql-binlog-connector-java/mysql-bin.compressed", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×1, TRANSACTION_PAYLOAD×1, ROTATE×1" },
        { "mysql/mysql-binlog-connector-rust/mysql-bin.000057", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, GTID×3, QUERY×1, TRANSACTION_PAYLOAD×2" },
        { "mysql/mysql-binlog-connector-rust/mysql-bin.000080", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, GTID×10, QUERY×10, TABLE_MAP×5, DELETE_ROWS_V2×2, XID×5, WRITE_ROWS_V2×3" },
        { "mysql/rust_mysql_common/binlog-invisible-columns.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, GTID×5, QUERY×5, TABLE_MAP×3, WRITE_ROWS_V2×2, XID×3, UPDATE_ROWS_V2×1, STOP×1" },
        { "mysql/rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ROTATE×1" },
        { "mysql/rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, GTID_TAGGED×1, QUERY×1, TABLE_MAP×1, WRITE_ROWS_V2×1, XID×1, ROTATE×1" },
        { "mysql/rust_mysql_common/json-opaque.binlog", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×3, QUERY×3, TABLE_MAP×8, WRITE_ROWS_V2×8, XID×1" },
        { "mysql/rust_mysql_common/json.binlog.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×8, QUERY×8, TABLE_MAP×6, WRITE_ROWS_V2×4, XID×6, UPDATE_ROWS_V2×1, PARTIAL_UPDATE_ROWS×1" },
        { "mysql/rust_mysql_common/mariadb-bin.000001", "FORMAT_DESCRIPTION×1, MARIA_GTID_LIST×1, MARIA_BINLOG_CHECKPOINT×1, MARIA_GTID×2, MARIA_ANNOTATE_ROWS×2, TABLE_MAP×2, WRITE_ROWS_V1×2, XID×2" },
        { "mysql/rust_mysql_common/master-bin.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, STOP×1" },
        { "mysql/rust_mysql_common/minimal_row_metadata.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×1, QUERY×1, TABLE_MAP×1, WRITE_ROWS_V2×1, XID×1, ROTATE×1" },
        { "mysql/rust_mysql_common/mysql-enum-string-set.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, GTID×5, QUERY×5, TABLE_MAP×3, WRITE_ROWS_V2×1, XID×3, UPDATE_ROWS_V2×1, DELETE_ROWS_V2×1" },
        { "mysql/rust_mysql_common/mysql_type_bit.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, GTID×3, QUERY×3, TABLE_MAP×1, WRITE_ROWS_V2×1, XID×1" },
        { "mysql/rust_mysql_common/rpl_unfiltered_hidden_gcol.000001", "FORMAT_DESCRIPTION×2, PREVIOUS_GTIDS×1, ROTATE×2, ANONYMOUS_GTID×3, QUERY×3, TABLE_MAP×1, WRITE_ROWS_V2×1, XID×1, STOP×1" },
        { "mysql/rust_mysql_common/time_issue.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×1, QUERY×1, TABLE_MAP×1, WRITE_ROWS_V2×1, XID×1, ROTATE×1" },
        { "mysql/rust_mysql_common/transaction_compression.000001", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×1, TRANSACTION_PAYLOAD×1, ROTATE×1" },
        { "mysql/rust_mysql_common/vector.binlog", "FORMAT_DESCRIPTION×1, PREVIOUS_GTIDS×1, ANONYMOUS_GTID×10, QUERY×10, TABLE_MAP×6, WRITE_ROWS_V2×5, XID×3, DELETE_ROWS_V2×1, STOP×1" },
        { "mariadb/mariadb-10.11-rows.000001", "QUERY×7, ROTATE×1, INTVAR×2, RAND×1, USER_VAR×1, FORMAT_DESCRIPTION×1, XID×6, TABLE_MAP×5, WRITE_ROWS_V1×2, UPDATE_ROWS_V1×2, DELETE_ROWS_V1×1, XA_PREPARE×1, MARIA_ANNOTATE_ROWS×5, MARIA_BINLOG_CHECKPOINT×1, MARIA_GTID×11, MARIA_GTID_LIST×1" },
        { "mariadb/mariadb-10.11-compressed.000002", "QUERY×1, ROTATE×1, FORMAT_DESCRIPTION×1, XID×4, TABLE_MAP×4, MARIA_ANNOTATE_ROWS×4, MARIA_BINLOG_CHECKPOINT×2, MARIA_GTID×6, MARIA_GTID_LIST×1, MARIA_QUERY_COMPRESSED×1, MARIA_WRITE_ROWS_COMPRESSED_V1×1, MARIA_UPDATE_ROWS_COMPRESSED_V1×2, MARIA_DELETE_ROWS_COMPRESSED_V1×1" },
        { "mariadb/mariadb-10.11-stop.000003", "STOP×1, FORMAT_DESCRIPTION×1, MARIA_BINLOG_CHECKPOINT×2, MARIA_GTID_LIST×1" },
        { "mariadb/mariadb-10.11-txn.000004", "FORMAT_DESCRIPTION×1, MARIA_GTID_LIST×1, MARIA_BINLOG_CHECKPOINT×1, MARIA_GTID×22, QUERY×28, MARIA_ANNOTATE_ROWS×22, TABLE_MAP×22, WRITE_ROWS_V1×22, XID×9, XA_PREPARE×2" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void ReadEvents_EveryFixture_ParsesWithCrcChecksAndMatchesProvenanceCounts(string file, string expected)
    {
        var counts = new Dictionary<string, int>();
        var fdeCount = 0;
        var parser = TestData.ForEachEvent(file, ev =>
        {
            var name = TypeName(ev.Type);
            counts[name] = counts.GetValueOrDefault(name) + 1;
            if (ev is FormatDescriptionEvent)
                fdeCount++;

            // Every event the registry knows is parsed into its own class; only the GTID family is still unparsed.
            if (ev is UnknownEvent)
                Assert.Contains(ev.Type, GtidTypes);
            if (ev is RowsEvent rows)
                Assert.True(rows.CountRows() > 0);
        });

        Assert.Equal(Parse(expected), counts);
        Assert.Equal(ChecksumAlgorithm.Crc32, parser.Checksum);
        Assert.True(fdeCount >= 1);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task ReadEventsAsync_EveryFixture_YieldsSameEventSequenceAsSync(string file, string expected)
    {
        _ = expected;
        var sync = new List<(EventType, uint)>();
        TestData.ForEachEvent(file, ev => sync.Add((ev.Type, ev.Header.NextPosition)));

        var async = new List<(EventType, uint)>();
        await using var reader = BinlogFileReader.Open(TestData.PathOf(file));
        await foreach (var ev in reader.ReadEventsAsync())
            async.Add((ev.Type, reader.Parser.LastHeader.NextPosition));

        Assert.Equal(sync.Select(e => e.Item1), async.Select(e => e.Item1));
    }

    [Fact]
    public void ReadEvents_NextPositionsWalkTheFile_EndAtFileLength()
    {
        var file = "mysql/mysql-binlog-connector-rust/mysql-bin.000080";
        uint last = 0;
        TestData.ForEachEvent(file, _ => { });
        using var reader = BinlogFileReader.Open(TestData.PathOf(file));
        foreach (var ev in reader.ReadEvents())
        {
            Assert.True(reader.Parser.LastHeader.NextPosition > last);
            last = reader.Parser.LastHeader.NextPosition;
        }

        Assert.Equal(new FileInfo(TestData.PathOf(file)).Length, last);
    }

    [Fact]
    public void ReadEvents_NotABinlog_Throws()
    {
        using var reader = new BinlogFileReader(new MemoryStream([0x00, 0x62, 0x69, 0x6E, 1, 2, 3]));
        var ex = Assert.Throws<BinlogFormatException>(() => reader.ReadEvents().ToList());
        Assert.Contains("fe 62 69 6e", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4 + 10)]
    [InlineData(4 + 19 + 50)]
    [InlineData(600)]
    public void ReadEvents_FileCutInsideAnEvent_ThrowsFormatException(int cut)
    {
        var bytes = TestData.Bytes("mysql/rust_mysql_common/mysql_type_bit.000001")[..cut];
        using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var ex = Assert.Throws<BinlogFormatException>(() => reader.ReadEvents().Count());
        Assert.Contains("ends inside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadEvents_GarbageLengthField_ThrowsInsteadOfAllocating()
    {
        var bytes = TestData.Bytes("mysql/rust_mysql_common/mysql_type_bit.000001");
        bytes[4 + 9] = 0xFF;
        bytes[4 + 10] = 0xFF;
        bytes[4 + 11] = 0xFF;
        bytes[4 + 12] = 0x7F;
        using var reader = new BinlogFileReader(new MemoryStream(bytes));
        Assert.Throws<BinlogFormatException>(() => reader.ReadEvents().Count());
    }

    [Fact]
    public void ReadEvents_EventLargerThanLimit_YieldsOversizedEventAndContinues()
    {
        // The FORMAT_DESCRIPTION itself is over the limit here, so the checksum mode must be given up front.
        var parser = new BinlogEventParser(ChecksumAlgorithm.Crc32, maxEventSize: 100);
        var types = new List<EventType>();
        var oversized = 0;
        TestData.ForEachEvent("mysql/rust_mysql_common/master-bin.000001", ev =>
        {
            types.Add(ev.Type);
            if (ev is OversizedEvent o)
            {
                oversized++;
                Assert.Equal(100, o.Limit);
            }
        }, parser);

        Assert.Equal([EventType.FormatDescription, EventType.PreviousGtids, EventType.Stop], types);
        Assert.Equal(1, oversized);
    }

    private static readonly EventType[] GtidTypes =
        [EventType.Gtid, EventType.AnonymousGtid, EventType.GtidTagged, EventType.PreviousGtids, EventType.MariaDbGtid, EventType.MariaDbGtidList];

    private static Dictionary<string, int> Parse(string expected) =>
        expected.Split(", ").Select(p => p.Split('×')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    internal static string TypeName(EventType type) => type switch
    {
        EventType.FormatDescription => "FORMAT_DESCRIPTION",
        EventType.PreviousGtids => "PREVIOUS_GTIDS",
        EventType.AnonymousGtid => "ANONYMOUS_GTID",
        EventType.Gtid => "GTID",
        EventType.GtidTagged => "GTID_TAGGED",
        EventType.Query => "QUERY",
        EventType.TableMap => "TABLE_MAP",
        EventType.WriteRowsV1 => "WRITE_ROWS_V1",
        EventType.UpdateRowsV1 => "UPDATE_ROWS_V1",
        EventType.DeleteRowsV1 => "DELETE_ROWS_V1",
        EventType.WriteRowsV2 => "WRITE_ROWS_V2",
        EventType.UpdateRowsV2 => "UPDATE_ROWS_V2",
        EventType.DeleteRowsV2 => "DELETE_ROWS_V2",
        EventType.PartialUpdateRows => "PARTIAL_UPDATE_ROWS",
        EventType.Xid => "XID",
        EventType.Rotate => "ROTATE",
        EventType.Stop => "STOP",
        EventType.TransactionPayload => "TRANSACTION_PAYLOAD",
        EventType.RowsQuery => "ROWS_QUERY",
        EventType.Intvar => "INTVAR",
        EventType.Rand => "RAND",
        EventType.UserVar => "USER_VAR",
        EventType.XaPrepare => "XA_PREPARE",
        EventType.MariaDbGtidList => "MARIA_GTID_LIST",
        EventType.MariaDbGtid => "MARIA_GTID",
        EventType.MariaDbBinlogCheckpoint => "MARIA_BINLOG_CHECKPOINT",
        EventType.MariaDbAnnotateRows => "MARIA_ANNOTATE_ROWS",
        EventType.MariaDbQueryCompressed => "MARIA_QUERY_COMPRESSED",
        EventType.MariaDbWriteRowsCompressedV1 => "MARIA_WRITE_ROWS_COMPRESSED_V1",
        EventType.MariaDbUpdateRowsCompressedV1 => "MARIA_UPDATE_ROWS_COMPRESSED_V1",
        EventType.MariaDbDeleteRowsCompressedV1 => "MARIA_DELETE_ROWS_COMPRESSED_V1",
        _ => type.ToString(),
    };
}
