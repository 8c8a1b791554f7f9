using Binlogdata;
using VGate.Gateway;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;
using Vtgate;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// Test framework for the event builder: real VEvents from a real MariaDB through the real gateway.
/// <para>
/// A test makes its own database on the shared server (<see cref="CreateAsync"/>), which the gateway serves as keyspace
/// <see cref="Keyspace"/> with one shard <see cref="Shard"/>. It notes the position, runs its statements, then streams
/// from the noted position (or with gtid "" for a copy) through <see cref="VStreamGateway"/> — the same VGTID/COMMIT
/// framing a VStream client sees over gRPC — until a condition on the received events holds. Streaming after the
/// statements keeps the tests deterministic; the deadline only guards against hangs.
/// </para>
/// </summary>
internal sealed class VStreamCapture
{
    public const string Keyspace = "ks";
    public const string Shard = "0";

    private readonly MariaDbServer _server;

    private VStreamCapture(MariaDbServer server, string database)
    {
        _server = server;
        Database = database;
    }

    public string Database { get; }

    public static async Task<VStreamCapture> CreateAsync(MariaDbFixture fixture, params string[] setup)
    {
        var database = await fixture.CreateDatabaseAsync();
        var capture = new VStreamCapture(fixture.Server, database);
        await capture.ExecuteAsync(setup);
        return capture;
    }

    /// <summary>Replaces <c>{db}</c> with the test's database.</summary>
    public string Qualify(string statement) => statement.Replace("{db}", Database, StringComparison.Ordinal);

    public async Task ExecuteAsync(params string[] statements)
    {
        foreach (var statement in statements)
            await _server.ExecuteAsync(Qualify(statement));
    }

    /// <summary>The current position in VStream form (<c>MariaDB/…</c>).</summary>
    public async Task<string> PositionAsync() => "MariaDB/" + await _server.GetGtidBinlogPosAsync();

    /// <summary>
    /// Streams from <paramref name="position"/> ("" = copy first) until <paramref name="done"/> holds for the events
    /// received so far; returns them all (tablet heartbeats never reach a client; gateway heartbeats do when
    /// <paramref name="heartbeatSeconds"/> is set).
    /// </summary>
    public Task<List<VEvent>> StreamAsync(string position, Func<IReadOnlyList<VEvent>, bool> done, uint heartbeatSeconds = 0, bool excludeKeyspaceFromTableName = false) =>
        StreamAsync(position, events => Task.FromResult(done(events)), heartbeatSeconds, excludeKeyspaceFromTableName);

    /// <summary>As above, with an asynchronous condition that may also run statements while the stream is open.</summary>
    public async Task<List<VEvent>> StreamAsync(string position, Func<IReadOnlyList<VEvent>, Task<bool>> done, uint heartbeatSeconds = 0, bool excludeKeyspaceFromTableName = false)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(90));
        var options = new GatewayOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(100),
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = Keyspace,
                    Database = Database,
                    Shards = [new ShardOptions { Name = Shard, Sources = [new SourceOptions { Uri = _server.ReplicationUri.ToString(), Name = "s1" }] }],
                },
            ],
        };
        Assert.Empty(TopologyValidator.Validate(options));
        var gateway = new VStreamGateway(options, new ShardStreamerFactory(options));
        var request = new VStreamRequest
        {
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = Keyspace, Shard = Shard, Gtid = position } } },
            Flags = new VStreamFlags { HeartbeatInterval = heartbeatSeconds, ExcludeKeyspaceFromTableName = excludeKeyspaceFromTableName },
        };
        var events = new List<VEvent>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        await foreach (var response in gateway.StreamAsync(request, stop.Token))
        {
            events.AddRange(response.Events);
            if (await done(events))
                break;
        }
        return events;
    }

    /// <summary>A stop condition: at least <paramref name="count"/> transaction ends (COMMIT, DDL, OTHER).</summary>
    public static Func<IReadOnlyList<VEvent>, bool> Ends(int count) =>
        events => events.Count(e => e.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other) >= count;
}
