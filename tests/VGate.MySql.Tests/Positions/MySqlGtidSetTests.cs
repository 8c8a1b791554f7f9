using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Positions;

public class MySqlGtidSetTests
{
    private const string U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private const string U2 = "4f22fb58-82db-22f2-af44-d91bb0530673";

    [Theory]
    [InlineData("", "")]
    [InlineData("   \n ", "")]
    [InlineData(U1 + ":1-5", U1 + ":1-5")]
    [InlineData(U1 + ":7", U1 + ":7")]
    [InlineData(U1 + ":1-5:7", U1 + ":1-5:7")]
    [InlineData(U1 + ":1-5:6", U1 + ":1-6")] // adjacent intervals merge
    [InlineData(U1 + ":1-5:3-9", U1 + ":1-9")] // overlapping intervals merge
    [InlineData(U1 + ":10-12:1-3", U1 + ":1-3:10-12")] // intervals are sorted
    [InlineData(U1 + ":1-3:2", U1 + ":1-3")] // contained interval disappears
    [InlineData(U2 + ":1," + U1 + ":2", U1 + ":2," + U2 + ":1")] // UUIDs are sorted
    [InlineData("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-2", U1 + ":1-2")] // lowercased
    [InlineData("3e11fa4771ca11e19e33c80aa9429562:1", U1 + ":1")] // UUID without hyphens
    [InlineData("{3e11fa47-71ca-11e1-9e33-c80aa9429562}:1", U1 + ":1")] // braced UUID
    [InlineData(U1 + ":1-5,\n" + U2 + ":1-3", U1 + ":1-5," + U2 + ":1-3")] // gtid_executed prints ",\n"
    [InlineData(" " + U1 + " : 1 - 5 ,\r\n\t" + U2 + ":1 ", U1 + ":1-5," + U2 + ":1")]
    [InlineData(U1 + ":1-2," + U1 + ":3-4", U1 + ":1-4")] // a UUID given twice is merged
    [InlineData(U1 + ":5-3", "")] // an interval ending before its start is ignored (as MySQL does)
    [InlineData(U1 + ":1-3:5-3", U1 + ":1-3")]
    [InlineData(U1 + ":1-9223372036854775806", U1 + ":1-9223372036854775806")]
    public void Parse_Untagged_FormatsCanonically(string input, string expected)
    {
        var set = MySqlGtidSet.Parse(input);

        Assert.Equal(expected, set.ToString());
        Assert.Equal(set, MySqlGtidSet.Parse(set.ToString()));
        Assert.Equal(expected.Length == 0, set.IsEmpty);
    }

    [Theory]
    [InlineData(U1 + ":mytag:1-5", U1 + ":mytag:1-5")]
    [InlineData(U1 + ":1-3:tag1:4-5:tag2:7", U1 + ":1-3:tag1:4-5:tag2:7")]
    [InlineData(U1 + ":tag2:7:tag1:4-5:1-3", U1 + ":tag1:1-5:tag2:7")] // intervals after a tag belong to that tag
    [InlineData(U1 + ":zz:1," + U1 + ":aa:2," + U1 + ":3", U1 + ":3:aa:2:zz:1")] // untagged first, then tags alphabetically
    [InlineData(U1 + ":MyTag:1-2:mytag:3", U1 + ":mytag:1-3")] // tags are lowercased and merged
    [InlineData(U1 + ":_x1:1", U1 + ":_x1:1")]
    [InlineData(U1 + ":abcdefghijklmnopqrstuvwxyz012345:1", U1 + ":abcdefghijklmnopqrstuvwxyz012345:1")] // 32 characters
    [InlineData(U1 + ":t:1," + U2 + ":2", U1 + ":t:1," + U2 + ":2")]
    public void Parse_Tagged_FormatsCanonically(string input, string expected)
    {
        var set = MySqlGtidSet.Parse(input);

        Assert.Equal(expected, set.ToString());
        Assert.True(set.HasTags);
    }

    [Fact]
    public void Parse_Tagged_OrdersUntaggedFirstThenTags()
    {
        var set = MySqlGtidSet.Parse(U1 + ":b:1," + U1 + ":a:2," + U1 + ":3");

        Assert.Equal(U1 + ":3:a:2:b:1", set.ToString());
        Assert.Equal(["", "a", "b"], set.Entries.Select(e => e.Tag));
    }

    [Theory]
    [InlineData("not-a-uuid:1", "\"not-a-uuid\" is not a UUID")]
    [InlineData(U1, "expected uuid:interval")]
    [InlineData(U1 + ":", "empty interval")]
    [InlineData(U1 + ":1::2", "empty interval")]
    [InlineData(U1 + ":0", "sequence number 0 is not allowed")]
    [InlineData(U1 + ":0-5", "sequence number 0 is not allowed")]
    [InlineData(U1 + ":1-x", "\"x\" is not a sequence number")]
    [InlineData(U1 + ":1-", "\"\" is not a sequence number")]
    [InlineData(U1 + ":9223372036854775807", "is larger than 9223372036854775806")]
    [InlineData(U1 + ":1-99999999999999999999", "is larger than 9223372036854775806")]
    [InlineData(U1 + ":1,,", "empty element between commas")]
    [InlineData("," + U1 + ":1", "empty element between commas")]
    [InlineData(U1 + ":my-tag:1", "\"my-tag\" is not an interval or a valid GTID tag")]
    [InlineData(U1 + ":abcdefghijklmnopqrstuvwxyz0123456:1", "is not an interval or a valid GTID tag")] // 33 characters
    [InlineData(U1 + ":mytag", "tag \"mytag\" has no interval")]
    [InlineData(U1 + ":a:b:1", "tag \"a\" has no interval")]
    [InlineData(U1 + ":1 2", "\"1 2\" is not a sequence number")]
    public void Parse_Malformed_ThrowsWithInputAndReason(string input, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => MySqlGtidSet.Parse(input));

        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(MySqlGtidSet.TryParse(input, out _));
        Assert.False(MySqlGtidSet.TryParse(input.AsSpan(), out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(MySqlGtidSet.TryParse((string?)null, out _));

    [Fact]
    public void TryParse_Span_ParsesSlice()
    {
        var text = ("xx" + U1 + ":1-3yy").AsSpan(2, U1.Length + 4);

        Assert.True(MySqlGtidSet.TryParse(text, out var set));
        Assert.Equal(U1 + ":1-3", set.ToString());
    }

    [Theory]
    [InlineData(U1 + ":1-5", U1 + ":6-10", U1 + ":1-10")] // adjacent
    [InlineData(U1 + ":1-5", U1 + ":3-8", U1 + ":1-8")] // overlapping
    [InlineData(U1 + ":1-5", U1 + ":7-8", U1 + ":1-5:7-8")] // gap stays
    [InlineData(U1 + ":1-2:8-9", U1 + ":3-7", U1 + ":1-9")] // fills the gap
    [InlineData(U1 + ":1-5", "", U1 + ":1-5")]
    [InlineData("", U1 + ":1-5", U1 + ":1-5")]
    [InlineData("", "", "")]
    [InlineData(U1 + ":1-5", U2 + ":1", U1 + ":1-5," + U2 + ":1")]
    [InlineData(U1 + ":1-5", U1 + ":t:1-5", U1 + ":1-5:t:1-5")] // tags are separate
    [InlineData(U1 + ":t:1-2", U1 + ":t:3", U1 + ":t:1-3")]
    public void Union_MergesIntervals(string a, string b, string expected)
    {
        var left = MySqlGtidSet.Parse(a);
        var right = MySqlGtidSet.Parse(b);

        Assert.Equal(expected, left.Union(right).ToString());
        Assert.Equal(expected, right.Union(left).ToString());
    }

    [Theory]
    [InlineData(U1 + ":1-10", U1 + ":3-5", U1 + ":1-2:6-10")] // hole in the middle
    [InlineData(U1 + ":1-10", U1 + ":1-10", "")]
    [InlineData(U1 + ":1-10", U1 + ":1-20", "")]
    [InlineData(U1 + ":1-10", U1 + ":1", U1 + ":2-10")]
    [InlineData(U1 + ":1-10", U1 + ":10", U1 + ":1-9")]
    [InlineData(U1 + ":1-10", U1 + ":11-20", U1 + ":1-10")] // adjacent but disjoint
    [InlineData(U1 + ":1-5:10-15", U1 + ":4-11", U1 + ":1-3:12-15")] // spans two intervals
    [InlineData(U1 + ":1-20", U1 + ":2:4:6-7", U1 + ":1:3:5:8-20")]
    [InlineData(U1 + ":1-5," + U2 + ":1-5", U2 + ":1-5", U1 + ":1-5")] // whole UUID removed
    [InlineData(U1 + ":1-5", "", U1 + ":1-5")]
    [InlineData("", U1 + ":1-5", "")]
    [InlineData(U1 + ":1-5:t:1-5", U1 + ":t:2-3", U1 + ":1-5:t:1:4-5")]
    [InlineData(U1 + ":1-5:t:1-5", U1 + ":1-5", U1 + ":t:1-5")] // untagged and tagged are different GTIDs
    public void Subtract_RemovesGtids(string a, string b, string expected)
    {
        var result = MySqlGtidSet.Parse(a).Subtract(MySqlGtidSet.Parse(b));

        Assert.Equal(expected, result.ToString());
    }

    [Theory]
    [InlineData(U1 + ":1-10", U1 + ":3-5", true)]
    [InlineData(U1 + ":1-10", U1 + ":1-10", true)]
    [InlineData(U1 + ":1-10", U1 + ":10-11", false)]
    [InlineData(U1 + ":1-5:7-10", U1 + ":5-7", false)] // 6 is missing
    [InlineData(U1 + ":1-5:7-10", U1 + ":2:8", true)]
    [InlineData(U1 + ":1-10", "", true)]
    [InlineData("", "", true)]
    [InlineData("", U1 + ":1", false)]
    [InlineData(U1 + ":1-10", U2 + ":1", false)]
    [InlineData(U1 + ":1-10", U1 + ":t:1", false)]
    [InlineData(U1 + ":1-10:t:1-3", U1 + ":2:t:2", true)]
    public void Contains_Set_IsSuperset(string a, string b, bool expected) =>
        Assert.Equal(expected, MySqlGtidSet.Parse(a).Contains(MySqlGtidSet.Parse(b)));

    [Theory]
    [InlineData(U1 + ":1-5:7", U1 + ":1", true)]
    [InlineData(U1 + ":1-5:7", U1 + ":5", true)]
    [InlineData(U1 + ":1-5:7", U1 + ":6", false)]
    [InlineData(U1 + ":1-5:7", U1 + ":7", true)]
    [InlineData(U1 + ":1-5:7", U1 + ":8", false)]
    [InlineData(U1 + ":1-5", U2 + ":1", false)]
    [InlineData(U1 + ":1-5", U1 + ":t:1", false)]
    [InlineData(U1 + ":t:1-5", U1 + ":T:3", true)]
    [InlineData("", U1 + ":1", false)]
    public void Contains_Gtid(string set, string gtid, bool expected) =>
        Assert.Equal(expected, MySqlGtidSet.Parse(set).Contains(MySqlGtid.Parse(gtid)));

    [Theory]
    [InlineData("", U1 + ":1", U1 + ":1")]
    [InlineData(U1 + ":1-5", U1 + ":6", U1 + ":1-6")] // extends the end
    [InlineData(U1 + ":2-5", U1 + ":1", U1 + ":1-5")] // extends the start
    [InlineData(U1 + ":1-3:5-7", U1 + ":4", U1 + ":1-7")] // joins two intervals
    [InlineData(U1 + ":1-3", U1 + ":9", U1 + ":1-3:9")]
    [InlineData(U1 + ":1-3", U2 + ":9", U1 + ":1-3," + U2 + ":9")]
    [InlineData(U1 + ":1-3", U1 + ":tag:9", U1 + ":1-3:tag:9")]
    public void Add_InsertsGtid(string set, string gtid, string expected) =>
        Assert.Equal(expected, MySqlGtidSet.Parse(set).Add(MySqlGtid.Parse(gtid)).ToString());

    [Fact]
    public void Add_GtidAlreadyPresent_ReturnsSameInstance()
    {
        var set = MySqlGtidSet.Parse(U1 + ":1-5");

        Assert.Same(set, set.Add(MySqlGtid.Parse(U1 + ":3")));
    }

    [Fact]
    public void Add_DefaultGtid_Throws() => Assert.Throws<ArgumentException>(() => MySqlGtidSet.Empty.Add(default));

    [Fact]
    public void Operations_DoNotMutateOperands()
    {
        var a = MySqlGtidSet.Parse(U1 + ":1-5");
        var b = MySqlGtidSet.Parse(U1 + ":3-9");

        _ = a.Union(b);
        _ = a.Subtract(b);
        _ = a.Add(MySqlGtid.Parse(U1 + ":20"));

        Assert.Equal(U1 + ":1-5", a.ToString());
        Assert.Equal(U1 + ":3-9", b.ToString());
    }

    [Fact]
    public void Equality_IgnoresInputFormatting()
    {
        var a = MySqlGtidSet.Parse(U2 + ":4-6:1-3," + U1 + ":t:1");
        var b = MySqlGtidSet.Parse(U1.ToUpperInvariant() + ":T:1,\n" + U2 + ":1-6");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, MySqlGtidSet.Parse(U2 + ":1-6"));
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void Create_FromGtids_BuildsIntervals()
    {
        var uuid = Guid.Parse(U1);
        var set = MySqlGtidSet.Create([new MySqlGtid(uuid, 3), new MySqlGtid(uuid, 1), new MySqlGtid(uuid, 2), new MySqlGtid(uuid, "x", 5)]);

        Assert.Equal(U1 + ":1-3:x:5", set.ToString());
        Assert.Equal(2, set.Entries.Length);
        Assert.Equal(new MySqlGtidInterval(1, 3), Assert.Single(set.Entries[0].Intervals));
    }

    [Fact]
    public void Entries_ExposeSourceTagAndIntervals()
    {
        var set = MySqlGtidSet.Parse(U1 + ":1-3:7:t:2");

        var untagged = set.Entries[0];
        Assert.Equal(Guid.Parse(U1), untagged.SourceId);
        Assert.False(untagged.IsTagged);
        Assert.Equal([new MySqlGtidInterval(1, 3), new MySqlGtidInterval(7, 7)], untagged.Intervals.ToArray());
        Assert.Equal(U1 + ":1-3:7", untagged.ToString());
        Assert.Equal(U1 + ":t:2", set.Entries[1].ToString());
    }
}
