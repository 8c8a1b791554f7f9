using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class MariaDbAnnotateRowsEventTests
{
    [Fact]
    public void Parse_MariaDbCapture_StatementsOfTheRowEvents()
    {
        var annotations = EventsIn.File<MariaDbAnnotateRowsEvent>("mariadb/mariadb-10.11-compressed.000002").Select(a => a.Query).ToList();

        Assert.Equal(4, annotations.Count);
        Assert.StartsWith("INSERT INTO t VALUES", annotations[0], StringComparison.Ordinal);
        Assert.Equal("UPDATE t SET vc = REPEAT('w', 20), si = 7, j = '{\"k\":null}' WHERE id IN (1, 3)", annotations[1]);
        Assert.Equal("UPDATE t SET tx = 'now set' WHERE id = 2", annotations[2]);
        Assert.Equal("DELETE FROM t WHERE id = 3", annotations[3]);
    }

    [Fact]
    public void Parse_MariaDb105File_TwoAnnotations()
    {
        var annotations = EventsIn.File<MariaDbAnnotateRowsEvent>("mysql/rust_mysql_common/mariadb-bin.000001");
        Assert.Equal(2, annotations.Count);
        Assert.All(annotations, a => Assert.Contains("outbox", a.Query, StringComparison.OrdinalIgnoreCase));
    }
}
