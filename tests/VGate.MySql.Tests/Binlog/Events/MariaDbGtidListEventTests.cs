using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Binlog.Events;

// GTID_LIST bodies (after the header, without CRC32) from MariaDB 10.11.19-MariaDB-0+deb12u1
// (--server-id=7 --gtid-domain-id=3), read from the binlog files with a header walk.
public class MariaDbGtidListEventTests
{
    private static MariaDbGtidListEvent Parse(string hex)
    {
        var body = Convert.FromHexString(hex);
        var header = new EventHeader(1795596238, EventType.MariaDbGtidList, 7, (uint)(EventHeader.Size + body.Length + 4), 0, 0);
        return MariaDbGtidListEvent.Parse(header, body);
    }

    [Fact]
    public void Parse_FirstBinlog_IsEmpty()
    {
        // mariadb-bin.000001 at offset 256: "Gtid list []" (6 bytes, two of them padding).
        var ev = Parse("000000000000");

        Assert.True(ev.Gtids.IsEmpty);
        Assert.True(ev.GtidList.IsEmpty);
        Assert.Equal(0, ev.Flags);
    }

    [Fact]
    public void Parse_SeveralServersInOneDomain_KeepsRawEntriesAndLastPerDomain()
    {
        // mariadb-bin.000002 at offset 256, after FLUSH BINARY LOGS. @@gtid_binlog_state was 3-9-6,3-7-10,5-7-100
        // (3-9-6 came from SET SESSION server_id=9): the state has one entry per (domain, server), and each domain's
        // latest GTID is written last.
        var ev = Parse("03000000050000000700000064000000000000000300000009000000060000000000000003000000070000000a00000000000000");

        Assert.Equal([new MariaDbGtid(5, 7, 100), new MariaDbGtid(3, 9, 6), new MariaDbGtid(3, 7, 10)], ev.Gtids.ToArray());
        Assert.Equal("3-7-10,5-7-100", ev.GtidList.ToString()); // @@gtid_binlog_pos at that point
        Assert.Equal(0, ev.Flags);
    }

    [Fact]
    public void Parse_MariaDb105Fixture_IsEmpty()
    {
        // mariadb-bin.000001 (10.5.15) from ../shared/fixtures/mysql/binlogs/rust_mysql_common/, offset 256.
        Assert.True(Parse("000000000000").GtidList.IsEmpty);
    }

    [Fact]
    public void Parse_FlagsInHighBits_AreSeparatedFromCount()
    {
        // One entry, count word 0x20000001: flag FLAG_IGN_GTIDS (2) in the top 4 bits.
        var ev = Parse("01000020" + "00000000" + "01000000" + "6400000000000000");

        Assert.Equal(MariaDbGtidListEvent.FlagIgnoreGtids, ev.Flags);
        Assert.Equal(new MariaDbGtid(0, 1, 100), Assert.Single(ev.Gtids));
    }

    [Fact]
    public void Parse_CountBeyondBody_Throws()
    {
        var ex = Assert.Throws<BinlogFormatException>(() => Parse("02000000" + "00000000" + "01000000" + "6400000000000000"));

        Assert.Contains("claims 2 entries", ex.Message, StringComparison.Ordinal);
    }
}
