using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class RandEventTests
{
    [Fact]
    public void Parse_StatementBasedRand_Seeds()
    {
        var rand = Assert.Single(EventsIn.File<RandEvent>("mariadb/mariadb-10.11-rows.000001"));
        Assert.Equal(0x22c7bd2eul, rand.Seed1);
        Assert.Equal(0x3655cc41ul, rand.Seed2);
    }
}
