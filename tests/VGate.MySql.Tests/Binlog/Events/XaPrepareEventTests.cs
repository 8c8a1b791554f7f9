using System.Text;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class XaPrepareEventTests
{
    [Fact]
    public void Parse_MariaDbXaPrepare_Xid()
    {
        // XA START 'xa1'; … XA PREPARE 'xa1'.
        var prepare = Assert.Single(EventsIn.File<XaPrepareEvent>("mariadb/mariadb-10.11-rows.000001"));
        Assert.False(prepare.OnePhase);
        Assert.Equal(1, prepare.FormatId);
        Assert.Equal("xa1", Encoding.ASCII.GetString(prepare.GlobalTransactionId.Span));
        Assert.True(prepare.BranchQualifier.IsEmpty);
    }
}
