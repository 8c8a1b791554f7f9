using VGate.VStreamer.Filtering;
using static VGate.VStreamer.Tests.Filtering.FilterTestTables;

namespace VGate.VStreamer.Tests.Filtering;

public sealed class FilterRulesTests
{
    [Theory]
    [InlineData("/t", "bat", true)]
    [InlineData("/t", "t1", true)]
    [InlineData("/t", "abc", false)]
    [InlineData("/t/", "bat", true)]
    [InlineData("//t1//", "t1", true)]
    [InlineData("/^t$", "t", true)]
    [InlineData("/^t$", "t1", false)]
    [InlineData("/.*", "anything", true)]
    [InlineData("/.*/", "", true)]
    [InlineData("/T", "t1", false)]
    [InlineData("/t1.*/", "t1a", true)]
    [InlineData("/x|y", "zy", true)]
    [InlineData("t1", "t1", true)]
    [InlineData("t1", "T1", false)]
    [InlineData("t1", "t12", false)]
    [InlineData("t1", "at1", false)]
    [InlineData("t.", "t1", false)]
    public void FindRule_MatchSemantics(string match, string table, bool expected)
    {
        var rules = new FilterRules([new FilterRule(match)]);

        Assert.Equal(expected, rules.FindRule(table) is not null);
        Assert.Equal(expected, rules.Matches(table));
    }

    [Fact]
    public void FindRule_FirstMatchWins()
    {
        var first = new FilterRule("/t", "-80");
        var second = new FilterRule("t1", "select id from t1");
        var third = new FilterRule("/.*");
        var rules = new FilterRules([first, second, third]);

        Assert.Same(first, rules.FindRule("t1"));
        Assert.Same(third, rules.FindRule("abc"));
        Assert.Same(second, new FilterRules([second, first]).FindRule("t1"));
    }

    [Fact]
    public void Build_FirstMatchWins_ExactBeforeRegex()
    {
        var builder = Builder(new FilterRule("t1", "select id from t1 where id = 1"), new FilterRule("/.*"));

        var t1 = builder.Build(T1)!;
        var t2 = builder.Build(T2)!;

        Assert.Equal("id(0) | `id` = 1 | ", TablePlanBuilderTests.Describe(t1));
        Assert.Equal("id(0), val(1) | | ", TablePlanBuilderTests.Describe(t2));
    }

    [Fact]
    public void Build_RegexBeforeExact_RegexWins()
    {
        var builder = Builder(new FilterRule("/.*"), new FilterRule("t1", "select id from t1 where id = 1"));

        Assert.Equal("id(0), val(1) | | ", TablePlanBuilderTests.Describe(builder.Build(T1)!));
    }

    [Fact]
    public void Build_NoRuleMatches_ReturnsNull()
    {
        var builder = Builder(new FilterRule("/t1/"));

        Assert.Null(builder.Build(T2));
    }

    [Fact]
    public void Build_Dual_IsIgnored()
    {
        var dual = new TableSchema("dual", [new ColumnSchema("x", ColumnKind.SignedInteger)], []);

        Assert.Null(Builder(new FilterRule("/.*")).Build(dual));
        Assert.Null(Builder(new FilterRule("/.*")).BuildForCopy(dual));
    }

    [Fact]
    public void FindRule_InvalidRegexAfterMatch_IsNotReached()
    {
        var rules = new FilterRules([new FilterRule("t1"), new FilterRule("/(")]);

        Assert.NotNull(rules.FindRule("t1"));
        Assert.Throws<VStreamFilterException>(() => rules.FindRule("t2"));
        Assert.False(rules.Matches("t2"));
    }

    [Fact]
    public void All_MatchesEveryTable()
    {
        Assert.True(FilterRules.All.Matches("whatever"));
    }

    [Fact]
    public void SelectTablesToCopy_SortedMatchingTablesWithoutDual()
    {
        var builder = Builder(new FilterRule("/t"), new FilterRule("zeta", "select * from zeta"));

        var tables = builder.SelectTablesToCopy(["t2", "zeta", "dual", "abc", "t10", "t1"]);

        Assert.Equal(["t1", "t10", "t2", "zeta"], tables);
    }

    [Fact]
    public void SelectTablesToCopy_ExactRuleForMissingTable_Throws()
    {
        var builder = Builder(new FilterRule("missing", "select * from missing"));

        var error = Assert.Throws<VStreamFilterException>(() => builder.SelectTablesToCopy(["t1"]));

        Assert.Equal("table missing is not present in the database", error.Message);
    }
}
