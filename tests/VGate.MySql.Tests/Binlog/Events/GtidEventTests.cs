using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Binlog.Events;

public class GtidEventTests
{
    private static EventHeader Header(EventType type, ReadOnlySpan<byte> body, uint timestamp = 1) =>
        new(timestamp, type, 1, (uint)(EventHeader.Size + body.Length + 4), 0, 0);

    private static GtidEvent Parse(EventType type, string hex, uint timestamp = 1)
    {
        var body = Convert.FromHexString(hex);
        return GtidEvent.Parse(Header(type, body, timestamp), body);
    }

    // GTID_LOG_EVENT bodies (no header, no checksum) and expected values, copied from
    // ../shared/fixtures/mysql/vectors/gtid_event_mysql8.json
    // (go-mysql-org/go-mysql e5cf1da8, replication/event_test.go, TestGTIDEventMysql8NewFields; MIT).
    public static TheoryData<string, string, long, long, ulong, ulong, ulong, uint, uint> GoMySqlVectors => new()
    {
        // MySQL 5.7 source, 8.0.19 replica: original timestamp and version present and 0.
        {
            "005aa72a7f44a811ea947f0242ac19000202010000000000000276000000000000007700000000000000c147811678a08500000000000000fcc5039338018000000000",
            "5aa72a7f-44a8-11ea-947f-0242ac190002:258", 118, 119, 1583812517644225, 0, 965, 80019, 0
        },
        // MySQL 5.7 only: no timestamps, length or versions.
        {
            "005aa72a7f44a811ea947f0242ac19000203010000000000000235000000000000003600000000000000",
            "5aa72a7f-44a8-11ea-947f-0242ac190002:259", 53, 54, 0, 0, 0, 0, 0
        },
        // MySQL 8.0.19 only: original values equal the immediate ones.
        {
            "005ccc103344a811eabd590242ac190003770000000000000002780000000000000079000000000000006a30b13e78a005fcc30393380100",
            "5ccc1033-44a8-11ea-bd59-0242ac190003:119", 120, 121, 1583813191872618, 1583813191872618, 963, 80019, 80019
        },
    };

    [Theory]
    [MemberData(nameof(GoMySqlVectors))]
    public void Parse_GtidLogEventVectors_ReadsAllFields(
        string hex, string gtid, long lastCommitted, long sequenceNumber, ulong immediateTimestamp, ulong originalTimestamp,
        ulong transactionLength, uint immediateVersion, uint originalVersion)
    {
        var ev = Parse(EventType.Gtid, hex);

        Assert.Equal(MySqlGtid.Parse(gtid), ev.Gtid);
        Assert.False(ev.IsAnonymous);
        Assert.False(ev.IsTaggedFormat);
        Assert.Equal("", ev.Tag);
        Assert.True(ev.HasLogicalClock);
        Assert.Equal(lastCommitted, ev.LastCommitted);
        Assert.Equal(sequenceNumber, ev.SequenceNumber);
        Assert.Equal(immediateTimestamp, ev.ImmediateCommitTimestamp);
        Assert.Equal(originalTimestamp, ev.OriginalCommitTimestamp);
        Assert.Equal(transactionLength, ev.TransactionLength);
        Assert.Equal(immediateVersion, ev.ImmediateServerVersion);
        Assert.Equal(originalVersion, ev.OriginalServerVersion);
        Assert.Equal(0, ev.Flags);
        Assert.False(ev.MayHaveStatementBasedChanges);
        Assert.Equal(EventType.Gtid, ev.Type);
    }

    [Fact]
    public void Parse_GtidLogEvent_ConvertsTimestampToTime()
    {
        var ev = Parse(EventType.Gtid, "005ccc103344a811eabd590242ac190003770000000000000002780000000000000079000000000000006a30b13e78a005fcc30393380100");

        Assert.Equal(new DateTimeOffset(2020, 3, 10, 4, 6, 31, TimeSpan.Zero).AddTicks(8726180), ev.ImmediateCommitTime);
    }

    // GTID_TAGGED_LOG_EVENT (42) body from binlog_transaction_with_GTID_TAG.000001 (MySQL 9.6.0), event at offset 245,
    // header timestamp 1770368687; from ../shared/fixtures/mysql/binlogs/rust_mysql_common/ (blackbeam/rust_mysql_common
    // test-data, MIT OR Apache-2.0). Expected GTID per PROVENANCE.md: that UUID, tag "mytag", gno 3. The transaction
    // (GTID 83 + QUERY 77 + TABLE_MAP 56 + WRITE_ROWS 49 + XID 31 bytes) is 296 bytes long.
    private const string TaggedBody =
        "027800000002aaee25020804650222c503c502e1029cc10311035502dead03040c060a6d7974616708000a040c7f1cf3b814244a0610a10412430f0b";

    [Fact]
    public void Parse_GtidTaggedLogEvent_ReadsSerializedFields()
    {
        var ev = Parse(EventType.GtidTagged, TaggedBody, 1770368687);

        Assert.True(ev.IsTaggedFormat);
        Assert.False(ev.IsAnonymous);
        Assert.Equal(Guid.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb"), ev.SourceId);
        Assert.Equal("mytag", ev.Tag);
        Assert.Equal(3, ev.Sequence);
        Assert.Equal(MySqlGtid.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3"), ev.Gtid);
        Assert.Equal("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3", ev.Gtid!.Value.ToString());
        Assert.Equal(0, ev.Flags);
        Assert.Equal(0, ev.LastCommitted);
        Assert.Equal(1, ev.SequenceNumber);
        Assert.Equal(1770368687207196UL, ev.ImmediateCommitTimestamp);
        Assert.Equal(ev.ImmediateCommitTimestamp, ev.OriginalCommitTimestamp); // not encoded: same as immediate
        Assert.Equal(1770368687L, ev.ImmediateCommitTime!.Value.ToUnixTimeSeconds()); // agrees with the header
        Assert.Equal(296UL, ev.TransactionLength);
        Assert.Equal(90600u, ev.ImmediateServerVersion);
        Assert.Equal(90600u, ev.OriginalServerVersion);
        Assert.Equal(0UL, ev.CommitGroupTicket);
    }

    [Fact]
    public void Parse_GtidTaggedLogEvent_UnknownNonIgnorableField_Throws()
    {
        // Same header fields, then field id 12 (unknown) while last_non_ignorable_field_id is 12.
        var ex = Assert.Throws<BinlogFormatException>(() => Parse(EventType.GtidTagged, "020c18180000"));

        Assert.Contains("Unknown non-ignorable field 12", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GtidTaggedLogEvent_UnknownIgnorableTrailingField_IsSkipped()
    {
        // The real event with an extra field 12 (value 5) appended, message size bumped from 60 to 62.
        var body = "027c" + TaggedBody[4..] + "180a";

        var ev = Parse(EventType.GtidTagged, body);

        Assert.Equal("mytag", ev.Tag);
        Assert.Equal(90600u, ev.ImmediateServerVersion);
    }

    [Theory]
    [InlineData("04", "Unsupported serialization format version 2")]
    [InlineData("027e00", "message size 63 does not fit")]
    [InlineData("020a000000", "has no tag field")]
    public void Parse_GtidTaggedLogEvent_Malformed_Throws(string hex, string fragment)
    {
        var ex = Assert.Throws<BinlogFormatException>(() => Parse(EventType.GtidTagged, hex));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AnonymousGtid_HasNoGtid()
    {
        // ANONYMOUS_GTID_LOG_EVENT as MySQL 8 writes it: flags 1, zero UUID and GNO, logical clock, timestamp, length, version.
        var body = "01" + new string('0', 32) + "0000000000000000" + "02" + "0500000000000000" + "0600000000000000" +
            "6a30b13e78a005" + "fcc303" + "93380100";

        var ev = Parse(EventType.AnonymousGtid, body);

        Assert.True(ev.IsAnonymous);
        Assert.Null(ev.Gtid);
        Assert.True(ev.MayHaveStatementBasedChanges);
        Assert.Equal(5, ev.LastCommitted);
        Assert.Equal(6, ev.SequenceNumber);
        Assert.Equal(963UL, ev.TransactionLength);
        Assert.Equal(80019u, ev.ImmediateServerVersion);
    }

    [Fact]
    public void Parse_MySql56Event_HasNoLogicalClock()
    {
        var ev = Parse(EventType.Gtid, "01" + "5aa72a7f44a811ea947f0242ac190002" + "0700000000000000");

        Assert.False(ev.HasLogicalClock);
        Assert.Equal(7, ev.Sequence);
        Assert.Null(ev.ImmediateCommitTime);
    }

    [Fact]
    public void Parse_CommitGroupTicket_IsRead()
    {
        var ev = Parse(EventType.Gtid, "005ccc103344a811eabd590242ac190003770000000000000002780000000000000079000000000000006a30b13e78a005fcc30393380100" + "2a00000000000000");

        Assert.Equal(42UL, ev.CommitGroupTicket);
    }

    [Theory]
    [InlineData("005aa72a7f44a811ea947f0242ac190002", "Unexpected end of data")]
    [InlineData("005aa72a7f44a811ea947f0242ac1900020000000000000000", "GTID sequence number 0 is out of range")]
    [InlineData("005aa72a7f44a811ea947f0242ac190002030100000000000002350000", "Unexpected end of data")]
    public void Parse_Truncated_Throws(string hex, string fragment)
    {
        var ex = Assert.Throws<BinlogFormatException>(() => Parse(EventType.Gtid, hex));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
