using VGate.MySql.Positions;
using VGate.MySql.Replication;

namespace VGate.MySql.Tests.Replication;

public sealed class BinlogStartPositionTests
{
    [Theory]
    [InlineData("current")]
    [InlineData("CURRENT")]
    [InlineData("  ")]
    public void Parse_Current_IsCurrent(string text) => Assert.True(BinlogStartPosition.Parse(text).IsCurrent);

    [Theory]
    [InlineData("MariaDB/0-1-100", PositionFlavor.MariaDb, "MariaDB/0-1-100")]
    [InlineData("0-1-100,1-2-5", PositionFlavor.MariaDb, "MariaDB/0-1-100,1-2-5")]
    [InlineData("MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", PositionFlavor.MySql56, "MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")]
    [InlineData("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-3:4-5", PositionFlavor.MySql56, "MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")]
    public void Parse_GtidForms_GiveTheFlavorAndCanonicalText(string text, PositionFlavor flavor, string canonical)
    {
        var start = BinlogStartPosition.Parse(text);

        Assert.Equal(flavor, start.Gtid!.Value.Flavor);
        Assert.Equal(canonical, start.ToString());
    }

    [Theory]
    [InlineData("binlog.000003:1234", "binlog.000003", 1234UL)]
    [InlineData("FilePos/mysql-bin.000001:4", "mysql-bin.000001", 4UL)]
    public void Parse_FilePositions_GiveFileAndOffset(string text, string file, ulong offset)
    {
        var start = BinlogStartPosition.Parse(text);

        Assert.Equal(file, start.File!.Value.FileName);
        Assert.Equal(offset, start.File!.Value.Position);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("0-1")]
    [InlineData("MySQL57/abc")]
    [InlineData("3e11fa47-71ca-11e1-9e33-c80aa9429562:0")]
    public void Parse_Nonsense_ThrowsFormatExceptionQuotingTheInput(string text)
    {
        var error = Assert.ThrowsAny<FormatException>(() => BinlogStartPosition.Parse(text));

        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }
}
