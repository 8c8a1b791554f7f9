using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class IntvarEventTests
{
    [Fact]
    public void Parse_StatementBasedInserts_InsertIds()
    {
        // INSERT INTO sbr (x) VALUES (@v) and VALUES (RAND()) under binlog_format=STATEMENT: AUTO_INCREMENT 1 and 2.
        var intvars = EventsIn.File<IntvarEvent>("mariadb/mariadb-10.11-rows.000001");
        Assert.Equal([IntvarEvent.InsertIdType, IntvarEvent.InsertIdType], intvars.Select(i => i.VariableType));
        Assert.Equal([1ul, 2ul], intvars.Select(i => i.Value));
    }
}
