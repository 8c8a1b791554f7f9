using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Positions;

public class MariaDbGtidListTests
{
    [Theory]
    [InlineData("0-1-100", 0u, 1u, 100UL)]
    [InlineData(" 4294967295-4294967295-18446744073709551615 ", uint.MaxValue, uint.MaxValue, ulong.MaxValue)]
    [InlineData("3-7-0", 3u, 7u, 0UL)]
    public void Gtid_Parse_ReadsParts(string input, uint domain, uint server, ulong sequence)
    {
        var gtid = MariaDbGtid.Parse(input);

        Assert.Equal(new MariaDbGtid(domain, server, sequence), gtid);
        Assert.Equal(input.Trim(), gtid.ToString());
    }

    [Theory]
    [InlineData("", "expected domain-server-sequence")]
    [InlineData("0-1", "expected domain-server-sequence")]
    [InlineData("0-1-2-3", "expected domain-server-sequence")]
    [InlineData("x-1-2", "domain id \"x\" is not a number")]
    [InlineData("4294967296-1-2", "domain id \"4294967296\" is not a number from 0 to 4294967295")]
    [InlineData("0--2", "server id \"\" is not a number")]
    [InlineData("0-1-18446744073709551616", "sequence number \"18446744073709551616\" is not a number")]
    [InlineData("0-1-+2", "sequence number \"+2\" is not a number")]
    public void Gtid_ParseMalformed_Throws(string input, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => MariaDbGtid.Parse(input));

        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(MariaDbGtid.TryParse(input, out _));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("0-1-100", "0-1-100")]
    [InlineData("1-2-5,0-1-100", "0-1-100,1-2-5")] // sorted by domain
    [InlineData(" 10-1-1 ,\n 2-1-1 ", "2-1-1,10-1-1")] // numeric domain order, whitespace allowed
    public void Parse_FormatsCanonically(string input, string expected)
    {
        var list = MariaDbGtidList.Parse(input);

        Assert.Equal(expected, list.ToString());
        Assert.Equal(list, MariaDbGtidList.Parse(list.ToString()));
        Assert.Equal(expected.Length == 0, list.IsEmpty);
    }

    [Theory]
    [InlineData("0-1-1,0-2-2", "domain 0 appears more than once")]
    [InlineData("0-1-1,,1-1-1", "empty element between commas")]
    [InlineData("0-1-1,abc", "\"abc\": expected domain-server-sequence")]
    public void Parse_Malformed_Throws(string input, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => MariaDbGtidList.Parse(input));

        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(MariaDbGtidList.TryParse(input, out _));
    }

    [Theory]
    [InlineData("0-1-100,1-2-5", "1-3-6", "0-1-100,1-3-6")] // replaces that domain's entry
    [InlineData("0-1-100,1-2-5", "1-2-4", "0-1-100,1-2-4")] // even with a lower sequence
    [InlineData("0-1-100,2-2-5", "1-9-1", "0-1-100,1-9-1,2-2-5")] // inserts a new domain in order
    [InlineData("", "5-1-1", "5-1-1")]
    public void Update_ReplacesDomainEntry(string list, string gtid, string expected)
    {
        var original = MariaDbGtidList.Parse(list);

        var updated = original.Update(MariaDbGtid.Parse(gtid));

        Assert.Equal(expected, updated.ToString());
        Assert.Equal(list, original.ToString());
    }

    [Fact]
    public void Update_SameGtid_ReturnsSameInstance()
    {
        var list = MariaDbGtidList.Parse("0-1-100");

        Assert.Same(list, list.Update(new MariaDbGtid(0, 1, 100)));
    }

    [Theory]
    [InlineData("0-1-100,1-2-5", "0-1-100", true)]
    [InlineData("0-1-100,1-2-5", "0-1-99", true)]
    [InlineData("0-1-100,1-2-5", "0-9-50", true)] // the server id does not matter
    [InlineData("0-1-100,1-2-5", "0-1-101", false)]
    [InlineData("0-1-100,1-2-5", "2-1-1", false)] // domain not present
    [InlineData("", "0-1-1", false)]
    public void Contains_Gtid_ComparesSequenceInDomain(string list, string gtid, bool expected) =>
        Assert.Equal(expected, MariaDbGtidList.Parse(list).Contains(MariaDbGtid.Parse(gtid)));

    [Theory]
    [InlineData("0-1-100,1-2-5", "0-1-50,1-2-5", true)]
    [InlineData("0-1-100,1-2-5", "", true)]
    [InlineData("0-1-100", "0-1-50,1-2-5", false)]
    [InlineData("0-1-100,1-2-5", "1-2-6", false)]
    public void Contains_List(string list, string other, bool expected) =>
        Assert.Equal(expected, MariaDbGtidList.Parse(list).Contains(MariaDbGtidList.Parse(other)));

    [Fact]
    public void Create_RejectsDuplicateDomains() =>
        Assert.Throws<ArgumentException>(() => MariaDbGtidList.Create([new MariaDbGtid(1, 1, 1), new MariaDbGtid(1, 2, 2)]));

    [Fact]
    public void TryGetGtid_FindsDomain()
    {
        var list = MariaDbGtidList.Parse("0-1-100,3-7-11");

        Assert.True(list.TryGetGtid(3, out var gtid));
        Assert.Equal(new MariaDbGtid(3, 7, 11), gtid);
        Assert.False(list.TryGetGtid(1, out _));
        Assert.Equal(2, list.Count);
    }

    [Fact]
    public void Equality_IsByValue()
    {
        var a = MariaDbGtidList.Parse("1-2-5,0-1-100");
        var b = MariaDbGtidList.Parse("0-1-100,1-2-5");

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != MariaDbGtidList.Parse("0-1-100"));
    }
}
