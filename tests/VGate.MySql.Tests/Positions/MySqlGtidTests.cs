using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Positions;

public class MySqlGtidTests
{
    private const string U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    [Theory]
    [InlineData(U1 + ":23", U1 + ":23", "", 23L)]
    [InlineData("3E11FA47-71CA-11E1-9E33-C80AA9429562:1", U1 + ":1", "", 1L)]
    [InlineData(U1 + ":mytag:3", U1 + ":mytag:3", "mytag", 3L)]
    [InlineData(U1 + ":MyTag:3", U1 + ":mytag:3", "mytag", 3L)]
    [InlineData(" " + U1 + " : t : 9223372036854775806 ", U1 + ":t:9223372036854775806", "t", 9223372036854775806L)]
    public void Parse_RoundTrips(string input, string expected, string tag, long sequence)
    {
        var gtid = MySqlGtid.Parse(input);

        Assert.Equal(expected, gtid.ToString());
        Assert.Equal(Guid.Parse(U1), gtid.SourceId);
        Assert.Equal(tag, gtid.Tag);
        Assert.Equal(tag.Length != 0, gtid.IsTagged);
        Assert.Equal(sequence, gtid.Sequence);
        Assert.Equal(gtid, MySqlGtid.Parse(gtid.ToString()));
    }

    [Theory]
    [InlineData("", "expected uuid:sequence")]
    [InlineData(U1, "expected uuid:sequence")]
    [InlineData("zz:1", "\"zz\" is not a UUID")]
    [InlineData(U1 + ":0", "sequence number 0 is not allowed")]
    [InlineData(U1 + ":-1", "\"-1\" is not a sequence number")]
    [InlineData(U1 + ":1-5", "\"1-5\" is not a sequence number")]
    [InlineData(U1 + ":9tag:1", "\"9tag\" is not a valid GTID tag")]
    [InlineData(U1 + ":a:b:1", "\"b:1\" is not a sequence number")]
    public void Parse_Malformed_Throws(string input, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => MySqlGtid.Parse(input));

        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(MySqlGtid.TryParse(input, out _));
    }

    [Fact]
    public void Constructor_ValidatesArguments()
    {
        var uuid = Guid.NewGuid();

        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlGtid(uuid, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlGtid(uuid, long.MaxValue));
        Assert.Throws<ArgumentException>(() => new MySqlGtid(uuid, "bad tag", 1));
        Assert.Equal("abc", new MySqlGtid(uuid, "ABC", 1).Tag);
        Assert.Equal(new MySqlGtid(uuid, null, 1), new MySqlGtid(uuid, "", 1));
    }

    [Fact]
    public void Equality_ComparesAllParts()
    {
        var a = MySqlGtid.Parse(U1 + ":t:5");

        Assert.True(a == MySqlGtid.Parse(U1 + ":T:5"));
        Assert.True(a != MySqlGtid.Parse(U1 + ":5"));
        Assert.True(a != MySqlGtid.Parse(U1 + ":t:6"));
        Assert.Equal(a.GetHashCode(), MySqlGtid.Parse(U1 + ":T:5").GetHashCode());
    }

    [Fact]
    public void Default_HasEmptyTag()
    {
        MySqlGtid gtid = default;

        Assert.Equal("", gtid.Tag);
        Assert.False(gtid.IsTagged);
    }

    [Theory]
    [InlineData(1L, 5L, "1-5", 5L)]
    [InlineData(7L, 7L, "7", 1L)]
    public void Interval_FormatsAndCounts(long start, long end, string expected, long count)
    {
        var interval = new MySqlGtidInterval(start, end);

        Assert.Equal(expected, interval.ToString());
        Assert.Equal(count, interval.Count);
        Assert.True(interval.Contains(start));
        Assert.False(interval.Contains(end + 1));
    }

    [Fact]
    public void Interval_RejectsBadRanges()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlGtidInterval(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlGtidInterval(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MySqlGtidInterval(1, long.MaxValue));
    }
}
