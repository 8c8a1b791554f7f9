using VGate.Gateway.Heartbeats;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.VStreamer.Filtering;

namespace VGate.Gateway.Tests.Topology;

/// <summary>HeartbeatTable / HeartbeatWriter settings: defaults, per-keyspace override, and problems named at start.</summary>
public sealed class HeartbeatSettingsTests
{
    [Fact]
    public void Table_DefaultsToVitessSidecarTable_KeyspaceOverrides()
    {
        var options = TestTopology.Create();
        Assert.Equal(new HeartbeatTableName("_vt", "heartbeat"), HeartbeatSettings.Table(options, options.Keyspaces[0]));
        options.Keyspaces[0].HeartbeatTable = "percona.heartbeat";
        Assert.Equal(new HeartbeatTableName("percona", "heartbeat"), HeartbeatSettings.Table(options, options.Keyspaces[0]));
        Assert.Null(HeartbeatSettings.Writer(options, options.Keyspaces[0]).Interval);
    }

    [Theory]
    [InlineData("heartbeat")]
    [InlineData("_vt.")]
    [InlineData(".heartbeat")]
    [InlineData("a.b.c")]
    [InlineData("`_vt`.heartbeat")]
    public void Validate_UnqualifiedHeartbeatTable_NamesSettingAndValue(string table)
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].HeartbeatTable = table;
        var problem = Assert.Single(TopologyValidator.Validate(options));
        Assert.Contains($"HeartbeatTable: '{table}' is not a database-qualified table name", problem, StringComparison.Ordinal);
        Assert.Contains("keyspace 'ks'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NonPositiveWriterInterval_Reported()
    {
        var options = TestTopology.Create();
        options.HeartbeatWriter = new HeartbeatWriterOptions { Interval = TimeSpan.Zero };
        Assert.Contains("HeartbeatWriter:Interval must be positive", Assert.Single(TopologyValidator.Validate(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteStatement_IsVitessRowUpsert()
    {
        Assert.Equal(
            "INSERT INTO `_vt`.`heartbeat` (keyspaceShard, tabletUid, ts) VALUES ('ks/-80', 7, 1765148400000000000) " +
            "ON DUPLICATE KEY UPDATE tabletUid = VALUES(tabletUid), ts = VALUES(ts)",
            HeartbeatWriter.WriteStatement(new HeartbeatTableName("_vt", "heartbeat"), "ks", "-80", 7, 1765148400000000000));
        Assert.NotEqual(HeartbeatWriter.TabletUid("ks", "-80", "s1"), HeartbeatWriter.TabletUid("ks", "-80", "s2"));
    }
}
