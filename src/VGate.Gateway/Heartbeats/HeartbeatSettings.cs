using VGate.Gateway.Topology;
using VGate.VStreamer.Filtering;

namespace VGate.Gateway.Heartbeats;

/// <summary>A keyspace's heartbeat settings: its own, else the gateway's.</summary>
public static class HeartbeatSettings
{
    /// <summary>The heartbeat table of <paramref name="keyspace"/> (validated by <see cref="TopologyValidator"/>).</summary>
    public static HeartbeatTableName Table(GatewayOptions options, KeyspaceOptions keyspace)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyspace);
        return HeartbeatTableName.Parse(keyspace.HeartbeatTable ?? options.HeartbeatTable);
    }

    /// <summary>The writer settings of <paramref name="keyspace"/>.</summary>
    public static HeartbeatWriterOptions Writer(GatewayOptions options, KeyspaceOptions keyspace)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyspace);
        return keyspace.HeartbeatWriter ?? options.HeartbeatWriter ?? new HeartbeatWriterOptions();
    }

    internal static void Validate(GatewayOptions options, List<string> problems)
    {
        if (HeartbeatTableName.TryParse(options.HeartbeatTable, out var error) is null)
            problems.Add($"HeartbeatTable: {error}");
        Check("HeartbeatWriter", options.HeartbeatWriter);
        foreach (var keyspace in options.Keyspaces)
        {
            if (keyspace.HeartbeatTable is { } table && HeartbeatTableName.TryParse(table, out error) is null)
                problems.Add($"keyspace '{keyspace.Name}': HeartbeatTable: {error}");
            Check($"keyspace '{keyspace.Name}': HeartbeatWriter", keyspace.HeartbeatWriter);
        }

        void Check(string what, HeartbeatWriterOptions? writer)
        {
            if (writer?.Interval is { } interval && interval <= TimeSpan.Zero)
                problems.Add($"{what}:Interval must be positive (is {interval}); leave it unset to write no heartbeats");
        }
    }
}
