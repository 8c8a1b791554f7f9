using System.Diagnostics.Metrics;
using Binlogdata;
using VGate.Gateway.Health;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Testing;

namespace VGate.Gateway.Tests.Health;

/// <summary>
/// The per-shard lag and copy progress gauges over a real MariaDB shard: a client that stops reading leaves the shard's
/// stream behind the source's binlog (bytes behind > 0, compared with <c>SHOW BINARY LOGS</c> by the health checks) until
/// it reads on and the stream has caught up (0); a copy of N rows reports N rows copied and an estimate.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StreamLagMariaDbTests
{
    [ServerFact]
    public async Task LagBytes_ClientPausedWhileTheSourceWrites_AboveZeroThenZeroAfterCatchUp()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 21, Name = "lag-s1" }, token);
        const string database = "lagdb";
        await server.ExecuteAsync($"CREATE DATABASE {database}", token);
        await server.ExecuteAsync($"CREATE TABLE {database}.t (id INT PRIMARY KEY, v LONGTEXT)", token);
        var keyspace = "lag" + Guid.NewGuid().ToString("N")[..8];
        var options = Options(keyspace, database, server);
        await using var monitor = new SourceHealthMonitor(options);
        monitor.Start();
        var gateway = new VStreamGateway(options, new ShardStreamerFactory(options, health: monitor));
        using var gauges = new GaugeReader(keyspace);

        var request = new Vtgate.VStreamRequest { Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = "0", Gtid = "current" } } } };
        await using var stream = gateway.StreamAsync(request, token).GetAsyncEnumerator(token);
        Assert.True(await stream.MoveNextAsync()); // the stream reports where it starts: it is reading now

        // 40 MB of binlog while nobody reads: far more than the queues and socket buffers between source and client hold.
        const int Rows = 40;
        for (var i = 1; i <= Rows; i++)
            await server.ExecuteAsync($"INSERT INTO {database}.t VALUES ({i}, REPEAT('x', 1000000))", token);

        var behind = await Eventually.UntilAsync(() => Task.FromResult(gauges.Read("vgate.gateway.shard.lag.bytes")), v => v > 0, TestDeadline.Default, token);
        Assert.True(behind > 0);
        Assert.NotNull(gauges.Read("vgate.gateway.shard.lag")); // known once the stream has read an event

        var rows = 0;
        while (rows < Rows && await stream.MoveNextAsync())
            rows += stream.Current.Events.Count(e => e.Type == VEventType.Row);
        Assert.Equal(Rows, rows);

        await Eventually.UntilAsync(() => Task.FromResult(gauges.Read("vgate.gateway.shard.lag.bytes")), v => v == 0, TestDeadline.Default, token);
        Assert.Equal(0, gauges.Read("vgate.gateway.shard.lag"));
    }

    [ServerFact]
    public async Task CopyRows_TableOfN_CopiedEqualsNWithAnEstimate()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(180));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { GtidDomainId = 22, Name = "lag-s2" }, token);
        const string database = "copydb";
        const int N = 1234;
        await server.ExecuteAsync($"CREATE DATABASE {database}", token);
        await server.ExecuteAsync($"CREATE TABLE {database}.items (id INT PRIMARY KEY, v VARCHAR(200))", token);
        await server.ExecuteAsync($"INSERT INTO {database}.items SELECT seq, REPEAT('v', 150) FROM {database}.seq_1_to_{N}", token);
        await server.ExecuteAsync($"ANALYZE TABLE {database}.items", token);
        var keyspace = "copy" + Guid.NewGuid().ToString("N")[..8];
        var options = Options(keyspace, database, server);
        await using var monitor = new SourceHealthMonitor(options);
        var gateway = new VStreamGateway(options, new ShardStreamerFactory(options, health: monitor));
        using var gauges = new GaugeReader(keyspace);

        var request = new Vtgate.VStreamRequest { Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = "0", Gtid = "" } } } };
        await using var stream = gateway.StreamAsync(request, token).GetAsyncEnumerator(token);
        var rows = 0;
        var completed = false;
        while (!completed && await stream.MoveNextAsync())
        {
            rows += stream.Current.Events.Count(e => e.Type == VEventType.Row);
            completed = stream.Current.Events.Any(e => e.Type == VEventType.CopyCompleted);
        }
        Assert.Equal(N, rows);

        // The stream is still open: its copy progress stays until it ends.
        Assert.Equal(N, gauges.Read("vgate.gateway.copy.rows", table: "items"));
        var estimate = gauges.Read("vgate.gateway.copy.rows.estimated", table: "items");
        Assert.NotNull(estimate);
        Assert.True(estimate >= 0);
    }

    private static GatewayOptions Options(string keyspace, string database, MariaDbServer server)
    {
        var options = new GatewayOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(100),
            ResponseQueueCapacity = 1,
            Health = new SourceHealthOptions { Interval = TimeSpan.FromMilliseconds(100) },
            Keyspaces =
            [
                new KeyspaceOptions
                {
                    Name = keyspace,
                    Database = database,
                    Shards = [new ShardOptions { Name = "0", Sources = [new SourceOptions { Uri = server.ReplicationUri.ToString(), Name = "s1" }] }],
                },
            ],
        };
        Assert.Empty(TopologyValidator.Validate(options));
        return options;
    }

    /// <summary>Reads the latest value of a <c>VGate.Gateway</c> gauge for one keyspace (other tests' monitors run alongside).</summary>
    private sealed class GaugeReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Lock _lock = new();
        private readonly string _keyspace;
        private Dictionary<(string Name, string? Table), double> _values = [];

        public GaugeReader(string keyspace)
        {
            _keyspace = keyspace;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Name.StartsWith("vgate.gateway.", StringComparison.Ordinal))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
            _listener.Start();
        }

        /// <summary>Observes the gauges now; null when the series is absent.</summary>
        public double? Read(string name, string? table = null)
        {
            lock (_lock)
                _values = [];
            _listener.RecordObservableInstruments();
            lock (_lock)
                return _values.TryGetValue((name, table), out var value) ? value : null;
        }

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? keyspace = null, table = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "keyspace")
                    keyspace = tag.Value as string;
                else if (tag.Key == "table")
                    table = tag.Value as string;
            }
            if (keyspace != _keyspace)
                return;
            lock (_lock)
                _values[(instrument.Name, table)] = value;
        }
    }
}
