namespace VGate.Gateway.Topology;

/// <summary>
/// What one client may ask of the gateway (<c>VGate:Limits</c>). A request over a limit ends with RESOURCE_EXHAUSTED and a
/// message naming the limit and its setting; docs/security/limits.md lists them with what the client sees.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>The configuration section, relative to <see cref="GatewayOptions.SectionName"/>.</summary>
    public const string SectionName = "Limits";

    /// <summary>VStream calls running at once, whoever sends them. Default 200; 0 = no limit.</summary>
    public int MaxStreams { get; set; } = 200;

    /// <summary>
    /// VStream calls running at once per user: the authenticated user name when a users file is configured, otherwise the
    /// client's IP address (the <c>username</c> header is not trusted then). Default 50; 0 = no limit.
    /// </summary>
    public int MaxStreamsPerUser { get; set; } = 50;

    /// <summary>Rules in one request's filter. Default 10,000 (exact table names cost next to nothing); 0 = no limit.</summary>
    public int MaxFilterRules { get; set; } = 10_000;

    /// <summary>
    /// Rules in one request's filter whose match is a <c>/regular expression/</c>: building each costs about a millisecond of
    /// CPU (the linear-time engine's construction), the dominant cost of a filter with thousands of rules. Compiled
    /// expressions are shared by every stream in the process. Default 100; 0 = no limit.
    /// </summary>
    public int MaxFilterRegexRules { get; set; } = 100;

    /// <summary>
    /// Binlog connections (<c>Binlog Dump</c> threads) the gateway holds open per shard and source role: one per fan-out hub
    /// (streams with the same filter share it) plus one per stream reading on its own (copy phase, behind a hub's ring).
    /// Keeps the gateway inside the sources' <c>max_connections</c> (MariaDB's default is 151). Default 100; 0 = no limit.
    /// </summary>
    public int MaxBinlogConnectionsPerShard { get; set; } = 100;

    /// <summary>
    /// Largest request message the gRPC server accepts (its <c>MaxReceiveMessageSize</c>), in bytes. Default 1 MiB;
    /// 0 = gRPC's own default (4 MiB).
    /// </summary>
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest single event (a ROW event carries one row change) sent to a client, in bytes. A client cannot receive a message
    /// over its own limit (4 MiB by default in gRPC clients), and an event cannot be split, so without this check such a client
    /// fails at the same place on every reconnect with an error that names neither the table nor the row. Default 4 MiB minus
    /// 1 KiB (room for the response's framing); 0 = no limit.
    /// </summary>
    public int MaxEventBytes { get; set; } = 4 * 1024 * 1024 - 1024;

    /// <summary>What happens to an event over <see cref="MaxEventBytes"/>. Default <see cref="OversizeEventAction.Fail"/>.</summary>
    public OversizeEventAction OversizeEvents { get; set; } = OversizeEventAction.Fail;
}

/// <summary>What the gateway does with an event over <see cref="LimitsOptions.MaxEventBytes"/>.</summary>
public enum OversizeEventAction
{
    /// <summary>
    /// The stream ends with RESOURCE_EXHAUSTED naming the keyspace, shard, table, primary key and size; nothing after the
    /// event's transaction is sent. The operator raises the limit (and the client's), or chooses <see cref="Skip"/>.
    /// </summary>
    Fail,

    /// <summary>
    /// The event is left out of the stream (the rest of its transaction goes out); it is logged with table, primary key and
    /// size, and counted in the <c>vgate.gateway.events.oversize</c> metric.
    /// </summary>
    Skip,

    /// <summary>The event is sent as it is (the behaviour before the limit existed; for clients whose limit is raised).</summary>
    Send,
}
