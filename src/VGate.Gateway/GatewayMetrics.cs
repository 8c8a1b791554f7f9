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
/// <item><term><c>vgate.gateway.transactions.chunked</c></term><description>Transactions larger than the stream's chunk size (<c>TransactionBufferBytes</c> or <c>transaction_chunk_size</c>) sent in pieces; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.transactions.cut</c></term><description>VStreams ended with UNAVAILABLE because a shard failed after part of a transaction was sent; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.events.oversize</c></term><description>ROW events over <c>Limits:MaxEventBytes</c> left out of a stream (<c>Limits:OversizeEvents=Skip</c>); tags <c>keyspace</c>, <c>shard</c>, <c>table</c>.</description></item>
/// <item><term><c>vgate.gateway.hub.readers</c></term><description>Fan-out hubs with a running binlog reader.</description></item>
/// <item><term><c>vgate.gateway.hub.subscribers</c></term><description>Shard streams attached to a hub now; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.hub.own_readers</c></term><description>Shard streams of a hub-enabled gateway reading on their own connection now (behind a hub's ring, ahead of it, or copying); tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.hub.attaches</c></term><description>Times a shard stream attached to a hub; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.hub.detaches</c></term><description>Times an attached stream fell behind a hub's ring and was detached; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// <item><term><c>vgate.gateway.hub.ring.bytes</c></term><description>Bytes held in hub rings; tags <c>keyspace</c>, <c>shard</c>.</description></item>
/// </list>
/// Source health (replication lag, reachability) is reported by <c>SourceHealthMonitor</c> on its own
/// instance of this meter.
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
    internal static readonly Counter<long> TransactionsChunked = Meter.CreateCounter<long>("vgate.gateway.transactions.chunked", "{transaction}", "Transactions sent to a client in pieces");
    internal static readonly Counter<long> TransactionsCut = Meter.CreateCounter<long>("vgate.gateway.transactions.cut", "{transaction}", "VStreams ended because a shard failed in the middle of a transaction sent in pieces");
    internal static readonly Counter<long> EventsOversize = Meter.CreateCounter<long>("vgate.gateway.events.oversize", "{event}", "ROW events over the event size limit left out of a stream");
    internal static readonly UpDownCounter<long> HubReaders = Meter.CreateUpDownCounter<long>("vgate.gateway.hub.readers", "{reader}", "Fan-out hubs with a running binlog reader");
    internal static readonly UpDownCounter<long> HubSubscribers = Meter.CreateUpDownCounter<long>("vgate.gateway.hub.subscribers", "{stream}", "Shard streams attached to a fan-out hub");
    internal static readonly UpDownCounter<long> HubOwnReaders = Meter.CreateUpDownCounter<long>("vgate.gateway.hub.own_readers", "{stream}", "Shard streams reading on their own connection instead of a hub");
    internal static readonly Counter<long> HubAttaches = Meter.CreateCounter<long>("vgate.gateway.hub.attaches", "{attach}", "Times a shard stream attached to a fan-out hub");
    internal static readonly Counter<long> HubDetaches = Meter.CreateCounter<long>("vgate.gateway.hub.detaches", "{detach}", "Times a shard stream fell behind a hub's ring and was detached");
    internal static readonly UpDownCounter<long> HubRingBytes = Meter.CreateUpDownCounter<long>("vgate.gateway.hub.ring.bytes", "By", "Bytes held in fan-out hub rings");
}
