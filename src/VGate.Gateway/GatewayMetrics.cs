using System.Diagnostics.Metrics;

namespace VGate.Gateway;

/// <summary>
/// The gateway's instruments, on the meter <c>VGate.Gateway</c> (Vitess <c>vstreamsCreated</c>,
/// <c>vstreamsEventsStreamed</c>, <c>vstreamsEndedWithErrors</c>):
/// <list type="table">
/// <item><term><c>vgate.gateway.streams.created</c></term><description>VStreams started (after resolution).</description></item>
/// <item><term><c>vgate.gateway.streams.active</c></term><description>VStreams running now.</description></item>
/// <item><term><c>vgate.gateway.streams.errors</c></term><description>VStreams that ended with an error; tag <c>code</c>.</description></item>
/// <item><term><c>vgate.gateway.events.streamed</c></term><description>Events sent to clients; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.bytes.streamed</c></term><description>Serialized event bytes sent; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.shard.retries</c></term><description>Shard streams reopened after a retriable error; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// </list>
/// </summary>
public static class GatewayMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "VGate.Gateway";

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> StreamsCreated = Meter.CreateCounter<long>("vgate.gateway.streams.created", "{stream}", "VStreams started");
    internal static readonly UpDownCounter<long> StreamsActive = Meter.CreateUpDownCounter<long>("vgate.gateway.streams.active", "{stream}", "VStreams running");
    internal static readonly Counter<long> StreamErrors = Meter.CreateCounter<long>("vgate.gateway.streams.errors", "{stream}", "VStreams ended with an error");
    internal static readonly Counter<long> EventsStreamed = Meter.CreateCounter<long>("vgate.gateway.events.streamed", "{event}", "Events sent to clients");
    internal static readonly Counter<long> BytesStreamed = Meter.CreateCounter<long>("vgate.gateway.bytes.streamed", "By", "Serialized event bytes sent to clients");
    internal static readonly Counter<long> ShardRetries = Meter.CreateCounter<long>("vgate.gateway.shard.retries", "{retry}", "Shard streams reopened after a retriable error");
}
