using VGate.VStreamer.KeyRanges;

namespace VGate.VStreamer.Tests.KeyRanges;

// Vitess cases cite vitessio/vitess go/vt/key/key_test.go @ 0018ddf649021737fca42809dcfdf91529db6aab.
public class KeyRangeTests
{
    [Theory]
    [InlineData("-80", "", "80", "-80")]
    [InlineData("80-", "80", "", "80-")]
    [InlineData("40-80", "40", "80", "40-80")]
    [InlineData("-4000", "", "4000", "-4000")]
    [InlineData("-8000", "", "8000", "-8000")] // bytes kept as given
    [InlineData("C0-", "c0", "", "c0-")] // either case in, lowercase out
    [InlineData("-A0", "", "a0", "-a0")]
    [InlineData("a0-", "a0", "", "a0-")]
    [InlineData("ff80-", "ff80", "", "ff80-")]
    [InlineData("8000-8080", "8000", "8080", "8000-8080")]
    [InlineData("00-80", "00", "80", "00-80")]
    public void Parse_ShardName_ReadsBounds(string input, string startHex, string endHex, string canonical)
    {
        var range = KeyRange.Parse(input);

        Assert.Equal(startHex, Convert.ToHexStringLower(range.Start));
        Assert.Equal(endHex, Convert.ToHexStringLower(range.End));
        Assert.Equal(canonical, range.ToString());
        Assert.Equal(range, KeyRange.Parse(range.ToString()));
        Assert.True(KeyRange.TryParse(input, out var parsed));
        Assert.Equal(range, parsed);
        Assert.True(range.IsPartial);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("0")]
    [InlineData("00-")] // TestIsValidKeyRange: valid; a zero start is the minimum
    [InlineData("-00")]
    [InlineData("0000-00")]
    public void Parse_FullRange_IsFullAndPrintsDash(string input)
    {
        var range = KeyRange.Parse(input);

        Assert.True(range.IsFull);
        Assert.False(range.IsPartial);
        Assert.Equal("-", range.ToString());
        Assert.Equal(KeyRange.Full, range);
        Assert.Equal(default, range);
    }

    // TestIsValidKeyRange's invalid cases, plus ours; each message quotes the input and names the problem.
    [Theory]
    [InlineData("", "a shard name is \"0\", \"-\" or <start>-<end> in hex")]
    [InlineData("11", "expected one '-' between start and end")]
    [InlineData("select", "expected one '-' between start and end")]
    [InlineData("+", "expected one '-' between start and end")]
    [InlineData("-1", "end \"1\" has an odd number of hex digits")]
    [InlineData("-111", "end \"111\" has an odd number of hex digits")]
    [InlineData("1-2", "start \"1\" has an odd number of hex digits")]
    [InlineData("x-80", "start \"x\" is not hexadecimal ('x')")]
    [InlineData("-80x", "end \"80x\" is not hexadecimal ('x')")]
    [InlineData(" -80", "start \" \" is not hexadecimal (' ')")]
    [InlineData("-40-80", "expected one '-' between start and end, found more (a sharding spec such as \"-40-80-\" is several ranges)")]
    [InlineData("80-40", "start 80 must be below end 40")]
    [InlineData("80-80", "start 80 must be below end 80")]
    [InlineData("80-8000", "start 80 must be below end 8000")]
    public void Parse_BadShardName_ThrowsWithReason(string input, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => KeyRange.Parse(input));

        Assert.StartsWith($"Invalid key range \"{input}\": {reason}", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(".", ex.Message, StringComparison.Ordinal);
        Assert.False(KeyRange.TryParse(input, out _));
        Assert.False(KeyRange.TryParse(input.AsSpan(), out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(KeyRange.TryParse((string?)null, out _));

    [Fact]
    public void Constructor_StartNotBelowEnd_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new KeyRange([0x80], [0x40]));

        Assert.Contains("start 80 must be below its end 40", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    // TestKeyRangeContains.
    [InlineData("3000000000000000-", "3000000000000000", true)]
    [InlineData("-3000000000000000", "3000000000000000", false)]
    [InlineData("3000000000000000-", "4000000000000000", true)]
    [InlineData("3000000000000000-", "2000000000000000", false)]
    // Start inclusive, end exclusive, trailing zeros ignored on both sides.
    [InlineData("-80", "7fffffffffffffff", true)]
    [InlineData("-80", "80", false)]
    [InlineData("-80", "8000000000000000", false)]
    [InlineData("-8000", "80", false)]
    [InlineData("-80", "", true)]
    [InlineData("-80", "00", true)]
    [InlineData("80-", "80", true)]
    [InlineData("80-", "8000000000000000", true)]
    [InlineData("8000-", "80", true)]
    [InlineData("80-", "7fffffffffffffff", false)]
    [InlineData("80-", "ffffffffffffffff", true)]
    [InlineData("40-80", "40", true)]
    [InlineData("40-80", "4000000000000000", true)]
    [InlineData("40-80", "3fffffffffffffff", false)]
    [InlineData("40-80", "7fffffffffffffff", true)]
    [InlineData("40-80", "80", false)]
    [InlineData("4000-8000", "80000000", false)]
    [InlineData("-", "", true)]
    [InlineData("-", "ffffffffffffffff", true)]
    [InlineData("00-80", "", true)] // a zero start is the minimum
    [InlineData("-4000", "3fff", true)]
    [InlineData("-4000", "40", false)]
    public void Contains_KeyspaceId(string range, string keyspaceIdHex, bool expected) =>
        Assert.Equal(expected, KeyRange.Parse(range).Contains(Convert.FromHexString(keyspaceIdHex)));

    [Theory]
    [InlineData("-80", "-8000")]
    [InlineData("-80", "-800000")]
    [InlineData("-80", "-80000000")]
    [InlineData("-8000", "-8000000000000000")]
    [InlineData("80-", "8000-")]
    [InlineData("80-", "80000000-")]
    [InlineData("1000-3000", "10-30")]
    [InlineData("10000000-30000000", "1000-3000")]
    [InlineData("00-80", "-80")]
    [InlineData("-", "0")]
    public void Equals_TrailingZerosIgnored(string left, string right)
    {
        var a = KeyRange.Parse(left);
        var b = KeyRange.Parse(right);

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(0, a.CompareTo(b));
    }

    [Theory]
    [InlineData("-80", "80-")]
    [InlineData("-80", "-")]
    [InlineData("40-80", "40-c0")]
    [InlineData("10-30", "20-30")]
    public void Equals_DifferentRanges_NotEqual(string left, string right)
    {
        Assert.NotEqual(KeyRange.Parse(left), KeyRange.Parse(right));
        Assert.True(KeyRange.Parse(left) != KeyRange.Parse(right));
    }

    // TestKeyRangeComparisons: the sign of KeyRangeCompare.
    [Theory]
    [InlineData("-", "20-30", -1)]
    [InlineData("10-30", "-", 1)]
    [InlineData("10-30", "20-30", -1)]
    [InlineData("20-30", "10-30", 1)]
    [InlineData("-30", "10-30", -1)]
    [InlineData("10-30", "-30", 1)]
    [InlineData("10-30", "10-20", 1)]
    [InlineData("10-20", "10-30", -1)]
    [InlineData("10-", "10-30", 1)]
    [InlineData("10-30", "10-", -1)]
    [InlineData("10-30", "10-30", 0)]
    public void CompareTo_OrdersByStartThenEnd(string left, string right, int expected)
    {
        var a = KeyRange.Parse(left);
        var b = KeyRange.Parse(right);

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(expected < 0, a < b);
        Assert.Equal(expected > 0, a > b);
    }

    // TestKeyRangeIntersect.
    [Theory]
    [InlineData("-80", "80-", false)]
    [InlineData("80-", "-80", false)]
    [InlineData("40-80", "c0-d0", false)]
    [InlineData("40-80", "20-40", false)]
    [InlineData("4000-8000", "20-40", false)]
    [InlineData("-", "-", true)]
    [InlineData("-", "80-", true)]
    [InlineData("-", "c0-d0", true)]
    [InlineData("-80", "-", true)]
    [InlineData("a0-b0", "-", true)]
    [InlineData("-80", "-80", true)]
    [InlineData("-8000", "-80", true)]
    [InlineData("40-", "40-", true)]
    [InlineData("4000-", "40-", true)]
    [InlineData("40-80", "40-80", true)]
    [InlineData("40-80", "4000-8000", true)]
    [InlineData("-80", "-40", true)]
    [InlineData("80-", "c0-", true)]
    [InlineData("-80", "40-80", true)]
    [InlineData("-80", "4000-8000", true)]
    [InlineData("80-", "80-c0", true)]
    [InlineData("80-", "8000-c000", true)]
    [InlineData("40-80", "60-a0", true)]
    [InlineData("40-80", "10-50", true)]
    [InlineData("40-80", "50-60", true)]
    [InlineData("40-80", "30-90", true)]
    public void Intersects_MatchesVitess(string left, string right, bool expected)
    {
        Assert.Equal(expected, KeyRange.Parse(left).Intersects(KeyRange.Parse(right)));
        Assert.Equal(expected, KeyRange.Parse(right).Intersects(KeyRange.Parse(left)));
    }

    // TestKeyRangeContainsKeyRange.
    [Theory]
    [InlineData("-", "-", true)]
    [InlineData("-", "-c0", true)]
    [InlineData("-", "80-", true)]
    [InlineData("-", "80-c0", true)]
    [InlineData("40-60", "40-60", true)]
    [InlineData("40-60", "4000-6000", true)]
    [InlineData("4000-6000", "40-60", true)]
    [InlineData("40-80", "40-50", true)]
    [InlineData("40-80", "4000-5000", true)]
    [InlineData("4000-8000", "40-50", true)]
    [InlineData("40-80", "70-80", true)]
    [InlineData("40-80", "7000-8000", true)]
    [InlineData("4000-8000", "70-80", true)]
    [InlineData("40-80", "50-70", true)]
    [InlineData("40-80", "5000-7000", true)]
    [InlineData("4000-8000", "50-70", true)]
    [InlineData("-c0", "-", false)]
    [InlineData("80-", "-", false)]
    [InlineData("80-c0", "-", false)]
    [InlineData("40-60", "50-", false)]
    [InlineData("40-60", "5000-", false)]
    [InlineData("4000-6000", "50-", false)]
    [InlineData("40-60", "-50", false)]
    [InlineData("40-60", "-5000", false)]
    [InlineData("4000-6000", "-50", false)]
    public void Contains_KeyRange_MatchesVitess(string outer, string inner, bool expected) =>
        Assert.Equal(expected, KeyRange.Parse(outer).Contains(KeyRange.Parse(inner)));

    [Fact]
    public void ParseShardingSpec_VitessGoodTable()
    {
        // TestParseShardingSpec goodTable.
        Assert.Equal([KeyRange.Full], KeyRange.ParseShardingSpec("-"));
        Assert.Equal([KeyRange.Full], KeyRange.ParseShardingSpec("0"));
        Assert.Equal(
            ["-4000000000000000", "4000000000000000-8000000000000000", "8000000000000000-"],
            KeyRange.ParseShardingSpec("-4000000000000000-8000000000000000-").Select(r => r.ToString()));
    }

    [Theory]
    [InlineData("-40-80-c0-", new[] { "-40", "40-80", "80-c0", "c0-" })]
    [InlineData("-80-", new[] { "-80", "80-" })]
    [InlineData("40-80-c0", new[] { "40-80", "80-c0" })]
    [InlineData("-80", new[] { "-80" })]
    [InlineData("-24-49-6d-92-b6-db-", new[] { "-24", "24-49", "49-6d", "6d-92", "92-b6", "b6-db", "db-" })]
    [InlineData("-4000-80-", new[] { "-4000", "4000-80", "80-" })]
    public void ParseShardingSpec_ConsecutiveRanges(string spec, string[] expected) =>
        Assert.Equal(expected, KeyRange.ParseShardingSpec(spec).Select(r => r.ToString()));

    [Theory]
    // TestParseShardingSpec badTable.
    [InlineData("4000000000000000", "it has no '-', so it does not define a range")]
    [InlineData("---", "boundary 2 is empty; only the first and last boundaries may be (minimum and maximum)")]
    [InlineData("4000000000000000--8000000000000000", "boundary 2 is empty")]
    [InlineData("4000000000000000-3000000000000000", "boundaries must increase, but \"3000000000000000\" is not above \"4000000000000000\"")]
    // Ours.
    [InlineData("", "it has no '-'")]
    [InlineData("40-40", "boundaries must increase")]
    [InlineData("-80-8000-", "boundaries must increase, but \"8000\" is not above \"80\"")]
    [InlineData("-x-", "boundary \"x\" is not hexadecimal ('x')")]
    [InlineData("-123-", "boundary \"123\" has an odd number of hex digits")]
    [InlineData("-00-80-", "boundary \"00\" is all zero bytes (the minimum); only the first boundary may be")]
    public void ParseShardingSpec_Bad_ThrowsWithReason(string spec, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => KeyRange.ParseShardingSpec(spec));

        Assert.StartsWith($"Invalid sharding spec \"{spec}\": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
