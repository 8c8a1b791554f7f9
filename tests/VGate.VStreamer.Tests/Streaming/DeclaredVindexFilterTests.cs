using VGate.VStreamer.Filtering;
using VGate.VStreamer.Streaming;
using VGate.VStreamer.Vindexes;
using static VGate.VStreamer.Tests.Filtering.FilterTestTables;

namespace VGate.VStreamer.Tests.Streaming;

/// <summary>
/// Filters over vindexes a VSchema declares (<see cref="ShardStreamerOptions.Vindexes"/>), resolved as Vitess's
/// <c>FindOrCreateVindex</c>: declared name (bare or <c>ks.</c>-qualified) first, then a vindex type. Table
/// <c>regional</c>'s primary vindex is <c>region_vdx</c>: <c>region_experimental</c> with 1 region byte, so its keyspace id
/// is [region] + hash(id); hash(1) = 166b40…, hash(4) = d2fd88… (Vitess hash_test.go).
/// </summary>
public sealed class DeclaredVindexFilterTests
{
    private static readonly RegistryVindexResolver Resolver = new(new Dictionary<string, IKeyspaceIdFunction>
    {
        ["region_vdx"] = VindexFactory.Create("region_experimental", new Dictionary<string, string> { ["region_bytes"] = "1" }),
    });

    [Theory]
    [InlineData("select * from regional where in_keyrange('05-0580')", "5", "1", true)]
    [InlineData("select * from regional where in_keyrange('05-0580')", "5", "4", false)]
    [InlineData("select * from regional where in_keyrange('05-0580')", "6", "1", false)]
    [InlineData("select * from regional where in_keyrange(region, id, 'region_vdx', '05-0580')", "5", "1", true)]
    [InlineData("select * from regional where in_keyrange(region, id, 'ks.region_vdx', '05-0580')", "5", "4", false)]
    [InlineData("select * from regional where in_keyrange(id, 'reverse_bits', '-80')", "9", "2", true)] // 2 → 40…
    [InlineData("select * from regional where in_keyrange(id, 'reverse_bits', '-80')", "9", "1", false)] // 1 → 80…
    public void InKeyRange_DeclaredVindexThenType(string filter, string region, string id, bool expected)
    {
        var plan = Build(new FilterRule("regional", filter));

        Assert.Equal(expected, plan.Matches(RowValues.FromText(region, id, "v")));
    }

    [Fact]
    public void KeyRangeRule_UsesDeclaredPrimaryVindex()
    {
        var plan = Build(new FilterRule("/.*", "05-0580"));

        Assert.True(plan.Matches(RowValues.FromText("5", "1", "v")));
        Assert.False(plan.Matches(RowValues.FromText("5", "4", "v")));
    }

    [Fact]
    public void KeyspaceIdFunction_UsesDeclaredPrimaryVindex()
    {
        var plan = Build(new FilterRule("regional", "select region, id, keyspace_id() from regional"));

        Assert.Equal(Convert.FromHexString("05166b40b44aba4bd6"), plan.ComputeKeyspaceId(RowValues.FromText("5", "1", "v")));
    }

    [Fact]
    public void InKeyRange_UnknownName_VitessWording()
    {
        var ex = Assert.Throws<VStreamFilterException>(() => Build(new FilterRule("regional", "select * from regional where in_keyrange(id, 'nope', '-80')")));

        Assert.Equal("vindexType \"nope\" not found", ex.Message);
    }

    private static TablePlan Build(FilterRule rule) =>
        new TablePlanBuilder(new FilterRules([rule]), Resolver, Resolver).Build(Regional) ?? throw new InvalidOperationException("no plan");
}
