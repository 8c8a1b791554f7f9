using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Tests.Topology;

public sealed class LimitsValidationTests
{
    [Fact]
    public void Validate_DefaultLimits_NoProblem()
    {
        var options = TestTopology.Create();

        Assert.Empty(TopologyValidator.Validate(options));
        Assert.Equal(200, options.Limits.MaxStreams);
        Assert.Equal(OversizeEventAction.Fail, options.Limits.OversizeEvents);
    }

    [Fact]
    public void Validate_NegativeLimitsAndUnknownAction_EachNamed()
    {
        var options = TestTopology.Create();
        options.Limits.MaxStreams = -1;
        options.Limits.MaxStreamsPerUser = -2;
        options.Limits.MaxFilterRules = -3;
        options.Limits.MaxFilterRegexRules = -4;
        options.Limits.MaxRequestBytes = -5;
        options.Limits.MaxEventBytes = -6;
        options.Limits.MaxBinlogConnectionsPerShard = -7;
        options.Limits.OversizeEvents = (OversizeEventAction)42;

        var problems = TopologyValidator.Validate(options);

        foreach (var name in new[] { "MaxStreams", "MaxStreamsPerUser", "MaxFilterRules", "MaxFilterRegexRules", "MaxRequestBytes", "MaxEventBytes", "MaxBinlogConnectionsPerShard" })
            Assert.Contains(problems, p => p.StartsWith($"Limits:{name} must not be negative", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Limits:OversizeEvents must be Fail, Skip or Send", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ZeroLimits_Accepted()
    {
        var options = TestTopology.Create();
        options.Limits = new LimitsOptions
        {
            MaxStreams = 0, MaxStreamsPerUser = 0, MaxFilterRules = 0, MaxFilterRegexRules = 0, MaxRequestBytes = 0, MaxEventBytes = 0,
            MaxBinlogConnectionsPerShard = 0,
        };

        Assert.Empty(TopologyValidator.Validate(options));
    }
}
