using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Tests.Topology;

public sealed class TopologyValidatorTests
{
    [Fact]
    public void Validate_ValidTopology_NoProblems()
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].Vindexes["t"] = new VindexOptions { Type = "hash", Columns = ["id"] };
        Assert.Empty(TopologyValidator.Validate(options));
    }

    [Fact]
    public void Validate_DuplicateKeyspace_Reported()
    {
        var options = TestTopology.Create();
        options.Keyspaces.Add(TestTopology.Keyspace("uks", sharded: false, "0"));
        Assert.Contains("keyspace 'uks': the name is used more than once", TopologyValidator.Validate(options));
    }

    [Theory]
    [InlineData(new[] { "-80", "c0-" }, "key range 80-c0 is covered by no shard (between shards -80 and c0-)")]
    [InlineData(new[] { "-80", "40-" }, "shards -80 and 40- overlap on key range 40-80")]
    [InlineData(new[] { "-80" }, "key range 80- is covered by no shard (after shard -80)")]
    public void Validate_ShardedCoverage_ReportsCoverageMessage(string[] shards, string expected)
    {
        var options = new GatewayOptions { Keyspaces = [TestTopology.Keyspace("ks", sharded: true, shards)] };
        var problem = Assert.Single(TopologyValidator.Validate(options));
        Assert.Equal($"keyspace 'ks': the shards do not cover the key space exactly once: {expected}", problem);
    }

    [Fact]
    public void Validate_BadShardName_NamesIt()
    {
        var options = new GatewayOptions { Keyspaces = [TestTopology.Keyspace("ks", sharded: true, "-8x", "80-")] };
        Assert.Contains(TopologyValidator.Validate(options), p => p.StartsWith("keyspace 'ks' shard '-8x': the name is not a key range", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnshardedWithTwoShards_Reported()
    {
        var options = new GatewayOptions { Keyspaces = [TestTopology.Keyspace("u", sharded: false, "-80", "80-")] };
        Assert.Contains(TopologyValidator.Validate(options), p => p.Contains("an unsharded keyspace must have exactly one shard (has 2: -80, 80-)", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SourceProblems_NameKeyspaceShardAndSource()
    {
        var options = new GatewayOptions { Keyspaces = [TestTopology.Keyspace("u", sharded: false, "0"), TestTopology.Keyspace("v", sharded: false, "0")] };
        options.Keyspaces[0].Shards[0].Sources[0].Uri = "http://nope";
        options.Keyspaces[1].Shards[0].Sources.Clear();
        options.Keyspaces.Add(TestTopology.Keyspace("w", sharded: false, "0"));
        options.Keyspaces[2].Shards[0].Sources[0].PasswordEnvironmentVariable = "VGATE_TEST_" + Guid.NewGuid().ToString("N");

        var problems = TopologyValidator.Validate(options);

        Assert.Contains(problems, p => p.StartsWith("keyspace 'u' shard '0' source #0 ('u-0-a'): Unsupported URI scheme 'http'", StringComparison.Ordinal));
        Assert.Contains("keyspace 'v' shard '0': no sources are configured", problems);
        Assert.Contains(problems, p => p.StartsWith("keyspace 'w' shard '0' source #0 ('w-0-a'): the password environment variable", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownVindex_ListsKnownTypes()
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].Vindexes["t"] = new VindexOptions { Type = "hsah", Columns = ["id"] };
        var problem = Assert.Single(TopologyValidator.Validate(options));
        Assert.StartsWith("keyspace 'ks' table 't': vindex type 'hsah': vindexType \"hsah\" not found (known types: ", problem, StringComparison.Ordinal);
        Assert.Contains("hash", problem, StringComparison.Ordinal);
        Assert.Contains("xxhash", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LookupVindexAsPrimary_SaysItNeedsALookupTable()
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].Vindexes["t"] = new VindexOptions { Type = "lookup", Columns = ["id"] };
        var problem = Assert.Single(TopologyValidator.Validate(options));
        Assert.StartsWith("keyspace 'ks' table 't': vindex type 'lookup': vindex type \"lookup\" needs a lookup table", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VindexWithParams_BuiltAndColumnCountChecked()
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].Vindexes["t"] = new VindexOptions { Type = "region_experimental", Columns = ["region", "id"], Params = new() { ["region_bytes"] = "1" } };
        options.Keyspaces[0].Vindexes["u"] = new VindexOptions { Type = "region_experimental", Columns = ["id"], Params = new() { ["region_bytes"] = "2" } };
        options.Keyspaces[0].Vindexes["w"] = new VindexOptions { Type = "region_experimental", Columns = ["a", "b"], Params = new() { ["region_bytes"] = "4" } };

        var problems = TopologyValidator.Validate(options);

        Assert.Equal(2, problems.Count);
        Assert.Contains("keyspace 'ks' table 'u' vindex type 'region_experimental': takes 2 column(s), 1 given", problems);
        Assert.Contains("keyspace 'ks' table 'w': vindex type 'region_experimental': region_bits must be 1 or 2: 4", problems);
    }

    [Fact]
    public void ResolveConnection_PasswordFromEnvironment()
    {
        var variable = "VGATE_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "s3cret");
        try
        {
            var connection = TopologyValidator.ResolveConnection(new SourceOptions { Uri = "mysql://u@h:1", PasswordEnvironmentVariable = variable });
            Assert.Equal("s3cret", connection.Password);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Validate_BadFanOutHealthAndSkewSettings_EachNamed()
    {
        var options = TestTopology.Create();
        options.FanOut.RingBytes = 1000;
        options.FanOut.ReplayBytes = -1;
        options.FanOut.Linger = TimeSpan.FromSeconds(-1);
        options.FanOut.CoalesceSubscribers = -1;
        options.FanOut.CoalesceInterval = TimeSpan.FromSeconds(2);
        options.FanOut.SharedReaderRingBytes = 1000;
        options.Health.Interval = TimeSpan.Zero;
        options.Health.Timeout = TimeSpan.FromSeconds(-5);
        options.Health.MaxReplicationLag = TimeSpan.FromSeconds(-1);
        options.SkewTimeout = TimeSpan.Zero;
        options.TransactionBufferBytes = 1000;
        options.MaxEventBytes = 1000;

        var problems = TopologyValidator.Validate(options);

        Assert.Contains("MaxEventBytes must be between 65536 and 1073741824 (is 1000)", problems);
        Assert.Contains("TransactionBufferBytes must be at least 65536 (is 1000)", problems);
        Assert.Contains("FanOut:RingBytes must be at least 1048576 (is 1000)", problems);
        Assert.Contains("FanOut:ReplayBytes must not be negative (is -1)", problems);
        Assert.Contains("FanOut:SharedReaderRingBytes must be at least 1048576 (is 1000)", problems);
        Assert.Contains("FanOut:Linger must not be negative (is -00:00:01)", problems);
        Assert.Contains("FanOut:CoalesceSubscribers must not be negative (is -1; 0 turns coalescing off)", problems);
        Assert.Contains("FanOut:CoalesceInterval must be between 0 and 1 s (is 00:00:02)", problems);
        Assert.Contains("Health:Interval must be positive (is 00:00:00)", problems);
        Assert.Contains("Health:Timeout must be positive (is -00:00:05)", problems);
        Assert.Contains("Health:MaxReplicationLag must not be negative (is -00:00:01)", problems);
        Assert.Contains("SkewTimeout must be positive (is 00:00:00)", problems);
        Assert.Equal(12, problems.Count);
    }

    [Fact]
    public void Validate_MissingFanOutAndHealthSections_Reported()
    {
        var options = TestTopology.Create();
        options.FanOut = null!;
        options.Health = null!;

        var problems = TopologyValidator.Validate(options);

        Assert.Equal(["FanOut must not be null", "Health must not be null"], problems);
    }
}
