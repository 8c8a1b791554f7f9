using VGate.VStreamer.KeyRanges;

namespace VGate.VStreamer.Tests.KeyRanges;

public class KeyRangeCoverageTests
{
    [Theory]
    [InlineData("-")]
    [InlineData("0")]
    [InlineData("-80,80-")]
    [InlineData("80-,-80")]
    [InlineData("c0-,-40,80-c0,40-80")]
    [InlineData("-8000,80-")] // trailing zeros meet exactly
    [InlineData("-80,8000000000000000-")]
    [InlineData("-24,24-49,49-6d,6d-92,92-b6,b6-db,db-")] // key_test.go GenerateShardRanges(7)
    [InlineData("-01,01-02,02-fe,fe-ff,ff-")]
    [InlineData("-4000,4000-80,80-")]
    public void FindFirstIssue_Tiling_ReturnsNull(string shards)
    {
        var ranges = Parse(shards);

        Assert.Null(KeyRangeCoverage.FindFirstIssue(ranges));
        Assert.True(KeyRangeCoverage.IsComplete(ranges));
    }

    [Theory]
    [InlineData("", "-", null, null, "key range - is covered by no shard (there are no shards)")]
    [InlineData("-40,80-", "40-80", "-40", "80-", "key range 40-80 is covered by no shard (between shards -40 and 80-)")]
    [InlineData("80-,-40", "40-80", "-40", "80-", "key range 40-80 is covered by no shard (between shards -40 and 80-)")]
    [InlineData("40-", "-40", null, "40-", "key range -40 is covered by no shard (before shard 40-)")]
    [InlineData("-80", "80-", "-80", null, "key range 80- is covered by no shard (after shard -80)")]
    [InlineData("-40,40-80,c0-", "80-c0", "40-80", "c0-", "key range 80-c0 is covered by no shard (between shards 40-80 and c0-)")]
    [InlineData("-40,60-80,70-", "40-60", "-40", "60-80", "key range 40-60 is covered by no shard (between shards -40 and 60-80)")] // the gap comes first
    [InlineData("-80,8001-", "80-8001", "-80", "8001-", "key range 80-8001 is covered by no shard (between shards -80 and 8001-)")]
    public void FindFirstIssue_Gap_NamesRangeAndNeighbours(string shards, string gap, string? before, string? after, string message)
    {
        var issue = KeyRangeCoverage.FindFirstIssue(Parse(shards));

        Assert.NotNull(issue);
        Assert.Equal(KeyRangeCoverageIssueKind.Gap, issue.Kind);
        Assert.Equal(KeyRange.Parse(gap), issue.Range);
        Assert.Equal(before is null ? null : KeyRange.Parse(before), issue.First);
        Assert.Equal(after is null ? null : KeyRange.Parse(after), issue.Second);
        Assert.Equal(message, issue.Message);
        Assert.Equal(message, issue.ToString());
        Assert.False(KeyRangeCoverage.IsComplete(Parse(shards)));
    }

    [Theory]
    [InlineData("-80,40-", "40-80", "-80", "40-", "shards -80 and 40- overlap on key range 40-80")]
    [InlineData("-,80-", "80-", "-", "80-", "shards - and 80- overlap on key range 80-")]
    [InlineData("-80,-80,80-", "-80", "-80", "-80", "shards -80 and -80 overlap on key range -80")]
    [InlineData("-80,80-,80-c0", "80-c0", "80-c0", "80-", "shards 80-c0 and 80- overlap on key range 80-c0")] // same start: the shorter first
    [InlineData("-40,40-c0,80-", "80-c0", "40-c0", "80-", "shards 40-c0 and 80- overlap on key range 80-c0")]
    [InlineData("-40,40-c0,60-80,c0-", "60-80", "40-c0", "60-80", "shards 40-c0 and 60-80 overlap on key range 60-80")]
    [InlineData("-8001,80-", "80-8001", "-8001", "80-", "shards -8001 and 80- overlap on key range 80-8001")]
    public void FindFirstIssue_Overlap_NamesBothShards(string shards, string overlap, string first, string second, string message)
    {
        var issue = KeyRangeCoverage.FindFirstIssue(Parse(shards));

        Assert.NotNull(issue);
        Assert.Equal(KeyRangeCoverageIssueKind.Overlap, issue.Kind);
        Assert.Equal(KeyRange.Parse(overlap), issue.Range);
        Assert.Equal(KeyRange.Parse(first), issue.First);
        Assert.Equal(KeyRange.Parse(second), issue.Second);
        Assert.Equal(message, issue.Message);
    }

    private static KeyRange[] Parse(string shards) =>
        shards.Length == 0 ? [] : [.. shards.Split(',').Select(KeyRange.Parse)];
}
