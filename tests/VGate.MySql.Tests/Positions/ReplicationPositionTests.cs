using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Positions;

public class ReplicationPositionTests
{
    private const string U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    [Theory]
    [InlineData("MySQL56/" + U1 + ":1-5", PositionFlavor.MySql56, "MySQL56/" + U1 + ":1-5")]
    [InlineData("MySQL56/" + U1 + ":3:1-2,\n" + "3E11FA47-71CA-11E1-9E33-C80AA9429562:t:1", PositionFlavor.MySql56, "MySQL56/" + U1 + ":1-3:t:1")]
    [InlineData("MySQL56/", PositionFlavor.MySql56, "MySQL56/")] // Vitess writes an empty set this way
    [InlineData("MariaDB/1-2-5,0-1-100", PositionFlavor.MariaDb, "MariaDB/0-1-100,1-2-5")]
    [InlineData("MariaDB/0-1-100", PositionFlavor.MariaDb, "MariaDB/0-1-100")]
    [InlineData("MariaDB/", PositionFlavor.MariaDb, "MariaDB/")]
    [InlineData("FilePos/mysql-bin.000003:1234", PositionFlavor.FilePos, "FilePos/mysql-bin.000003:1234")]
    [InlineData("", PositionFlavor.None, "")]
    public void Parse_RoundTripsVitessStrings(string input, PositionFlavor flavor, string expected)
    {
        var position = ReplicationPosition.Parse(input);

        Assert.Equal(flavor, position.Flavor);
        Assert.Equal(expected, position.ToString());
        Assert.Equal(position, ReplicationPosition.Parse(position.ToString()));
        Assert.Equal(flavor == PositionFlavor.None, position.IsZero);
    }

    [Fact]
    public void Parse_ExposesFlavorValue()
    {
        var mysql = ReplicationPosition.Parse("MySQL56/" + U1 + ":1-5");
        var maria = ReplicationPosition.Parse("MariaDB/0-1-100");
        var file = ReplicationPosition.Parse("FilePos/mysql-bin.000003:4");

        Assert.Equal(MySqlGtidSet.Parse(U1 + ":1-5"), mysql.MySqlGtidSet);
        Assert.Null(mysql.MariaDbGtidList);
        Assert.Null(mysql.FilePosition);
        Assert.Equal(MariaDbGtidList.Parse("0-1-100"), maria.MariaDbGtidList);
        Assert.Null(maria.MySqlGtidSet);
        Assert.Equal(new BinlogFilePosition("mysql-bin.000003", 4), file.FilePosition);
        Assert.Null(default(ReplicationPosition).MySqlGtidSet);
    }

    [Theory]
    [InlineData("nonsense", "expected flavor/value")]
    [InlineData("Oracle/1", "unknown flavor \"Oracle\"")]
    [InlineData("mysql56/" + U1 + ":1", "unknown flavor \"mysql56\"")] // flavor names are case-sensitive, as in Vitess
    [InlineData("MySQL56/" + U1 + ":0", "bad MySQL GTID set: bad interval \"0\": sequence number 0 is not allowed")]
    [InlineData("MySQL56/xyz:1", "bad MySQL GTID set: \"xyz\" is not a UUID")]
    [InlineData("MariaDB/0-1", "bad MariaDB GTID list: \"0-1\": expected domain-server-sequence")]
    [InlineData("MariaDB/0-1-1,0-2-2", "domain 0 appears more than once")]
    [InlineData("FilePos/mysql-bin.000003", "bad file position: expected file:position")]
    public void Parse_Malformed_ThrowsQuotingInput(string input, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => ReplicationPosition.Parse(input));

        Assert.StartsWith($"Invalid replication position \"{input}\": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(ReplicationPosition.TryParse(input, out _));
        Assert.False(ReplicationPosition.TryParse(input.AsSpan(), out _));
    }

    [Theory]
    [InlineData("MySQL56/" + U1 + ":1-10", "MySQL56/" + U1 + ":1-5", true)]
    [InlineData("MySQL56/" + U1 + ":1-5", "MySQL56/" + U1 + ":1-10", false)]
    [InlineData("MySQL56/" + U1 + ":1-5", "", true)]
    [InlineData("", "MySQL56/" + U1 + ":1-5", false)]
    [InlineData("MariaDB/0-1-100", "MariaDB/0-1-99", true)]
    [InlineData("MariaDB/0-1-100", "MariaDB/0-1-100,1-1-1", false)]
    [InlineData("FilePos/b.000002:4", "FilePos/b.000001:900", true)]
    [InlineData("FilePos/b.000001:4", "FilePos/b.000001:900", false)]
    [InlineData("MariaDB/0-1-100", "MySQL56/" + U1 + ":1", false)] // different flavors
    public void AtLeast_ComparesWithinFlavor(string a, string b, bool expected) =>
        Assert.Equal(expected, ReplicationPosition.Parse(a).AtLeast(ReplicationPosition.Parse(b)));

    [Fact]
    public void Equality_DistinguishesFlavorsAndEmptyValues()
    {
        Assert.NotEqual(ReplicationPosition.Parse("MySQL56/"), default);
        Assert.NotEqual(ReplicationPosition.Parse("MySQL56/"), ReplicationPosition.Parse("MariaDB/"));
        Assert.True(ReplicationPosition.Parse("MySQL56/" + U1 + ":2:1") == new ReplicationPosition(MySqlGtidSet.Parse(U1 + ":1-2")));
        Assert.Equal(ReplicationPosition.Parse("MariaDB/1-1-1,0-1-1").GetHashCode(), ReplicationPosition.Parse("MariaDB/0-1-1,1-1-1").GetHashCode());
    }
}
