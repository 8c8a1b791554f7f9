using Binlogdata;
using VGate.Gateway.Tests.Fakes;
using VGate.VStreamer;
using VGate.VStreamer.Filtering;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests;

/// <summary>VGate:Limits:MaxFilterRules and MaxFilterRegexRules, checked when the request is resolved.</summary>
public sealed class RequestResolverLimitsTests
{
    private static VStreamRequest WithRules(IEnumerable<string> matches)
    {
        var request = TestTopology.Request(("uks", "0", "current"));
        request.Filter = new Filter();
        foreach (var match in matches)
            request.Filter.Rules.Add(new Rule { Match = match });
        return request;
    }

    [Fact]
    public void Resolve_ThreeThousandRegexRules_ResourceExhaustedNamingTheSetting()
    {
        var request = WithRules(Enumerable.Range(0, 3000).Select(i => $"/^t{i}_[a-z]+$/"));

        var error = Assert.Throws<VStreamException>(() => RequestResolver.Resolve(request, TestTopology.Create()));

        Assert.Equal(Code.ResourceExhausted, error.Code);
        Assert.Contains("3000 rules matching by regular expression", error.Message, StringComparison.Ordinal);
        Assert.Contains("VGate:Limits:MaxFilterRegexRules", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ThreeThousandExactRules_Accepted()
    {
        var request = WithRules(Enumerable.Range(0, 3000).Select(i => $"t{i}"));

        var resolved = RequestResolver.Resolve(request, TestTopology.Create());

        Assert.Equal(3000, resolved.Filter.Rules.Count);
    }

    [Fact]
    public void Resolve_OverMaxFilterRules_ResourceExhausted()
    {
        var topology = TestTopology.Create();
        topology.Limits.MaxFilterRules = 10;
        var request = WithRules(Enumerable.Range(0, 11).Select(i => $"t{i}"));

        var error = Assert.Throws<VStreamException>(() => RequestResolver.Resolve(request, topology));

        Assert.Equal(Code.ResourceExhausted, error.Code);
        Assert.Contains("11 rules", error.Message, StringComparison.Ordinal);
        Assert.Contains("VGate:Limits:MaxFilterRules", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_LimitsZero_NoLimit()
    {
        var topology = TestTopology.Create();
        topology.Limits.MaxFilterRules = 0;
        topology.Limits.MaxFilterRegexRules = 0;
        var request = WithRules(Enumerable.Range(0, 150).Select(i => $"/^limits_zero_{i}$/"));

        Assert.Equal(150, RequestResolver.Resolve(request, topology).Filter.Rules.Count);
    }

    [Fact]
    public void Resolve_BackreferenceRegex_InvalidArgumentNotUnknown()
    {
        var request = WithRules([@"/(a)\1/"]);

        var error = Assert.Throws<VStreamException>(() => RequestResolver.Resolve(request, TestTopology.Create()));

        Assert.Equal(Code.InvalidArgument, error.Code);
        Assert.Contains("filter rule #1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilterRules_SamePatternInTwoRuleSets_OneCompiledExpression()
    {
        // The resolver compiles a request's expressions once; every shard stream's FilterRules then finds them compiled.
        var first = FilterRegexCache.Get("^shared_pattern_[0-9]+$");
        _ = new FilterRules([new FilterRule("/^shared_pattern_[0-9]+$/")]);

        Assert.Same(first, FilterRegexCache.Get("^shared_pattern_[0-9]+$"));
        Assert.Equal(new FilterRule("/^shared_pattern_[0-9]+$/"), new FilterRules([new FilterRule("/^shared_pattern_[0-9]+$/")]).FindRule("shared_pattern_42"));
    }
}
