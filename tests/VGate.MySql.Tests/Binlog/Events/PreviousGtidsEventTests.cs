using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Binlog.Events;

public class PreviousGtidsEventTests
{
    private static PreviousGtidsEvent Parse(string hex)
    {
        var body = Convert.FromHexString(hex);
        var header = new EventHeader(1, EventType.PreviousGtids, 1, (uint)(EventHeader.Size + body.Length + 4), 0, 0x80);
        return PreviousGtidsEvent.Parse(header, body);
    }

    [Fact]
    public void Parse_TaggedFromMySql96_ReadsTaggedSet()
    {
        // binlog_transaction_with_GTID_TAG.000001 (MySQL 9.6.0), PREVIOUS_GTIDS at offset 127
        // (../shared/fixtures/mysql/binlogs/rust_mysql_common/, from blackbeam/rust_mysql_common test-data).
        // PROVENANCE.md: 55778904-0299-11f1-b1b8-4ef0c4956feb:1-13 plus tag mytag [1,3).
        var ev = Parse(
            "010200000000000155778904029911f1b1b84ef0c4956feb00010000000000000001000000000000000e00000000000000" +
            "55778904029911f1b1b84ef0c4956feb0a6d79746167010000000000000001000000000000000300000000000000");

        Assert.Equal(MySqlGtidSetBinaryFormat.Tagged, ev.Format);
        Assert.Equal("55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2", ev.GtidSet.ToString());
        Assert.True(ev.GtidSet.Contains(MySqlGtid.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:2")));
        Assert.False(ev.GtidSet.Contains(MySqlGtid.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3")));
        Assert.Equal(EventType.PreviousGtids, ev.Type);
    }

    [Fact]
    public void Parse_UntaggedFromMySql8040_ReadsSet()
    {
        // binlog_transaction_previous_GTID_no_tag.000001 (MySQL 8.0.40), PREVIOUS_GTIDS at offset 126
        // (../shared/fixtures/mysql/binlogs/rust_mysql_common/). PROVENANCE.md: b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2.
        const string hex = "0100000000000000b9b88c66075511f198994a9da94c4d71010000000000000001000000000000000300000000000000";

        var ev = Parse(hex);

        Assert.Equal(MySqlGtidSetBinaryFormat.Untagged, ev.Format);
        Assert.Equal("b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2", ev.GtidSet.ToString());
        Assert.Equal(hex, Convert.ToHexStringLower(ev.GtidSet.EncodeBinary()));
    }

    [Fact]
    public void Parse_EmptySet_IsEmpty() => Assert.True(Parse("0000000000000000").GtidSet.IsEmpty);

    [Fact]
    public void Parse_TrailingBytes_Throws()
    {
        var ex = Assert.Throws<BinlogFormatException>(() => Parse("000000000000000000"));

        Assert.Contains("unexpected byte(s) after the GTID set in PREVIOUS_GTIDS", ex.Message, StringComparison.Ordinal);
    }
}
