using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Tests.Binlog.Events;

namespace VGate.MySql.Tests.Binlog;

public sealed class XaIdTests
{
    [Theory]
    // As MariaDB 10.11 writes them in the binlog (mariadb-binlog -vv of XA COMMIT 'x1' / XA ROLLBACK 'x2').
    [InlineData("XA COMMIT X'7831',X'',1", "x1", "", 1)]
    [InlineData("XA ROLLBACK X'7832',X'',1", "x2", "", 1)]
    [InlineData("xa commit X'616263',X'6271',7 ONE PHASE", "abc", "bq", 7)]
    [InlineData("XA COMMIT 'x1'", "x1", "", 1)]
    [InlineData("XA ROLLBACK 'g','b',-3", "g", "b", -3)]
    public void TryParseFromStatement_ServerForms_Parts(string statement, string gtrid, string bqual, int format)
    {
        Assert.True(XaId.TryParseFromStatement(statement, out var id));
        Assert.Equal(gtrid, Encoding.UTF8.GetString(id.GlobalTransactionId));
        Assert.Equal(bqual, Encoding.UTF8.GetString(id.BranchQualifier));
        Assert.Equal(format, id.FormatId);
    }

    [Theory]
    [InlineData("XA START X'7831',X'',1")]
    [InlineData("XA END X'7831',X'',1")]
    [InlineData("COMMIT")]
    [InlineData("XA COMMIT")]
    [InlineData("XA COMMIT X'783',X'',1")]
    [InlineData("XA COMMIT X'7831'X'',1")]
    [InlineData("XA COMMITTED X'7831',X'',1")]
    public void TryParseFromStatement_NotAnXaCompletion_False(string statement) =>
        Assert.False(XaId.TryParseFromStatement(statement, out _));

    [Fact]
    public void ToString_RoundTripsThroughParse()
    {
        var id = new XaId(1, "x1"u8, ""u8);
        Assert.Equal("X'7831',X'',1", id.ToString());
        Assert.Equal(id, XaId.Parse(id.ToString()));
        Assert.NotEqual(id, new XaId(2, "x1"u8, ""u8));
        Assert.NotEqual(id, new XaId(1, "x"u8, "1"u8));
        Assert.Equal(id.GetHashCode(), XaId.Parse("'x1'").GetHashCode());
    }

    [Fact]
    public void From_MariaDbXaPrepareEvent_MatchesItsStatementForm()
    {
        // XA START 'xa1'; … XA PREPARE 'xa1' written by MariaDB 10.11.
        var prepare = Assert.Single(EventsIn.File<XaPrepareEvent>("mariadb/mariadb-10.11-rows.000001"));
        Assert.Equal(XaId.Parse("X'786131',X'',1"), XaId.From(prepare));
    }

    [Fact]
    public void Constructor_PartTooLong_Throws() =>
        Assert.Throws<ArgumentException>(() => new XaId(1, new byte[65], []));
}
