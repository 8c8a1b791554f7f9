using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class RotateEventTests
{
    [Theory]
    [InlineData("mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32", "mysql-bin.000002")]
    [InlineData("mariadb/mariadb-10.11-rows.000001", "bin.000002")]
    [InlineData("mariadb/mariadb-10.11-compressed.000002", "bin.000003")]
    public void Parse_EndOfFileRotate_NamesNextFile(string file, string next)
    {
        var rotate = Assert.Single(EventsIn.File<RotateEvent>(file));
        Assert.Equal(4ul, rotate.Position);
        Assert.Equal(next, rotate.NextFileName);
        Assert.False(rotate.Header.IsArtificial);
    }

    [Fact]
    public void Parse_RelayLogRotates_AreArtificialWithPositions()
    {
        var rotates = EventsIn.File<RotateEvent>("mysql/rust_mysql_common/rpl_unfiltered_hidden_gcol.000001");
        Assert.Equal([4ul, 155ul], rotates.Select(r => r.Position));
        Assert.All(rotates, r => Assert.Equal("master-bin.000001", r.NextFileName));
        Assert.All(rotates, r => Assert.Equal(0u, r.Header.NextPosition));
    }
}
