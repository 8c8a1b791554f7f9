using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class XidEventTests
{
    [Fact]
    public void Parse_MariaDbFile_TransactionIds()
    {
        var xids = EventsIn.File<XidEvent>("mariadb/mariadb-10.11-rows.000001");
        Assert.Equal([5ul, 6ul, 7ul, 8ul, 12ul, 13ul], xids.Select(x => x.Xid));
    }

    [Fact]
    public void Parse_MySqlFile_SixtyIncreasingIds()
    {
        var xids = EventsIn.File<XidEvent>("mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32");
        Assert.Equal(60, xids.Count);
        Assert.Equal(1012ul, xids[0].Xid);
        Assert.Equal(xids.Select(x => x.Xid).Order(), xids.Select(x => x.Xid));
    }
}
