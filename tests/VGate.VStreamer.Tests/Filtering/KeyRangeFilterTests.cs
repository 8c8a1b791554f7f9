using VGate.VStreamer.Filtering;
using static VGate.VStreamer.Tests.Filtering.FilterTestTables;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>Key-range filtering through the test-only <c>numeric</c> vindex (keyspace id = big-endian uint64).</summary>
public sealed class KeyRangeFilterTests
{
    [Theory]
    [InlineData("-80", "1", true)]
    [InlineData("-80", "9223372036854775807", true)]
    [InlineData("-80", "-1", false)]
    [InlineData("80-", "-1", true)]
    [InlineData("80-", "9223372036854775807", false)]
    [InlineData("80-", "-9223372036854775808", true)]
    [InlineData("40-80", "4611686018427387904", true)]
    [InlineData("40-80", "4611686018427387903", false)]
    [InlineData("-", "12345", true)]
    public void RegexRule_KeyRange_UsesPrimaryVindex(string range, string id, bool expected)
    {
        var plan = Builder(new FilterRule("/.*", range)).Build(T1)!;

        Assert.True(plan.HasKeyRangeFilter);
        Assert.Equal(expected, plan.Matches(RowValues.FromText(id, "v")));
    }

    [Theory]
    [InlineData("select * from t1 where in_keyrange(id, 'numeric', '-80')", "5", true)]
    [InlineData("select * from t1 where in_keyrange(id, 'numeric', '80-')", "5", false)]
    [InlineData("select * from t1 where in_keyrange('80-')", "-5", true)]
    [InlineData("select * from t1 where in_keyrange('-80') and id > 10", "5", false)]
    [InlineData("select * from t1 where in_keyrange('-80') and id > 1", "5", true)]
    public void InKeyRange_FiltersRows(string filter, string id, bool expected)
    {
        Assert.Equal(expected, Plan(T1, filter).Matches(RowValues.FromText(id, "v")));
    }

    [Theory]
    [InlineData("1", "1", true)]
    [InlineData("127", "1", true)]
    [InlineData("128", "1", false)]
    public void InKeyRange_MultiColumnVindex(string region, string id, bool expected)
    {
        var plan = Plan(Regional, "select * from regional where in_keyrange('-80')");

        Assert.Equal(expected, plan.Matches(RowValues.FromText(region, id, "v")));
    }

    [Fact]
    public void KeyspaceId_ComputedFromPrimaryVindex()
    {
        var plan = Plan(T1, "select id, keyspace_id() from t1");

        Assert.Equal(PlanColumnKind.KeyspaceId, plan.Columns[1].Kind);
        Assert.Equal(Convert.FromHexString("0000000000000102"), plan.ComputeKeyspaceId(RowValues.FromText("258", null)));
    }

    [Fact]
    public void KeyspaceId_WithoutKeyspaceIdColumn_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Plan(T1, "select id from t1").ComputeKeyspaceId(RowValues.FromText("1", null)));
    }

    [Fact]
    public void Matches_UnmappableVindexValue_ThrowsLikeVitess()
    {
        var plan = Plan(T1, "select * from t1 where in_keyrange('-80')");

        var error = Assert.Throws<VStreamFilterException>(() => plan.Matches(RowValues.FromText(null, "v")));

        Assert.Equal("could not map [NULL] to a keyspace id", error.Message);
    }

    [Fact]
    public void KeyRangeFilter_ExposesVindexAndColumns()
    {
        var filter = Plan(Regional, "select * from regional where in_keyrange(id, region, 'region_vdx', '40-80')").KeyRanges.Single();

        Assert.Equal("region_vdx", filter.VindexName);
        Assert.Equal([1, 0], filter.ColumnIndexes);
        Assert.Equal("40-80", filter.KeyRangeSpec);
        Assert.True(filter.Vindex.IsUnique);
    }
}
