using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class StopEventTests
{
    [Theory]
    [InlineData("mysql/rust_mysql_common/master-bin.000001")]
    [InlineData("mysql/rust_mysql_common/vector.binlog")]
    [InlineData("mariadb/mariadb-10.11-stop.000003")]
    public void Parse_CleanShutdown_EndsTheFile(string file)
    {
        var stop = Assert.Single(EventsIn.File<StopEvent>(file));
        Assert.Equal(new FileInfo(TestData.PathOf(file)).Length, stop.Header.NextPosition);
        Assert.Equal(23u, stop.Header.EventLength);
    }
}
