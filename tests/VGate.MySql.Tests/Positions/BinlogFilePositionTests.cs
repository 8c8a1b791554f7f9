using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Positions;

public class BinlogFilePositionTests
{
    [Theory]
    [InlineData("mysql-bin.000003:1234", "mysql-bin.000003", 1234UL)]
    [InlineData(" mariadb-bin.000001 : 4 ", "mariadb-bin.000001", 4UL)]
    [InlineData("binlog:18446744073709551615", "binlog", ulong.MaxValue)]
    public void Parse_ReadsFileAndPosition(string input, string file, ulong position)
    {
        var value = BinlogFilePosition.Parse(input);

        Assert.Equal(file, value.FileName);
        Assert.Equal(position, value.Position);
        Assert.Equal(value, BinlogFilePosition.Parse(value.ToString()));
        Assert.Equal($"{file}:{position}", value.ToString());
    }

    [Theory]
    [InlineData("mysql-bin.000003", "expected file:position")]
    [InlineData(":4", "the file name is empty")]
    [InlineData("mysql-bin.000003:", "position \"\" is not a number")]
    [InlineData("mysql-bin.000003:-1", "position \"-1\" is not a number")]
    [InlineData("a:b:4", "\"a:b\" is not a binlog file name")]
    public void Parse_Malformed_Throws(string input, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => BinlogFilePosition.Parse(input));

        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(BinlogFilePosition.TryParse(input, out _));
    }

    [Theory]
    [InlineData("mysql-bin.000003:100", "mysql-bin.000003:200", -1)]
    [InlineData("mysql-bin.000003:900", "mysql-bin.000004:4", -1)]
    [InlineData("mysql-bin.000009:4", "mysql-bin.000010:4", -1)]
    [InlineData("mysql-bin.999999:4", "mysql-bin.1000000:4", -1)] // numeric suffix, not text order
    [InlineData("mysql-bin.000010:4", "mysql-bin.000010:4", 0)]
    [InlineData("mysql-bin.000011:4", "mysql-bin.000010:999", 1)]
    public void CompareTo_OrdersBySuffixThenPosition(string a, string b, int expected)
    {
        var left = BinlogFilePosition.Parse(a);
        var right = BinlogFilePosition.Parse(b);

        Assert.Equal(expected, Math.Sign(left.CompareTo(right)));
        Assert.Equal(-expected, Math.Sign(right.CompareTo(left)));
        Assert.Equal(expected < 0, left < right);
        Assert.Equal(expected <= 0, left <= right);
        Assert.Equal(expected > 0, left > right);
        Assert.Equal(expected >= 0, left >= right);
        Assert.Equal(expected == 0, left == right);
    }

    [Fact]
    public void Sort_UsesNumericSuffix()
    {
        string[] input = ["b.000010:1", "b.000002:9", "b.000002:1"];

        var sorted = input.Select(BinlogFilePosition.Parse).Order().Select(p => p.ToString());

        Assert.Equal(["b.000002:1", "b.000002:9", "b.000010:1"], sorted);
    }

    [Fact]
    public void Constructor_RejectsBadNames()
    {
        Assert.Throws<ArgumentException>(() => new BinlogFilePosition("", 4));
        Assert.Throws<ArgumentException>(() => new BinlogFilePosition("a:b", 4));
    }
}
