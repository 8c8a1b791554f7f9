using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using VGate.Gateway.Health;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Tests.Health;

/// <summary>
/// The gateway says, once per source at start (log line at Warning, and a gauge), which sources are reached over
/// plaintext or TLS that does not verify the server; and names of sources never carry a password.
/// </summary>
public sealed class SourceTransportWarningTests
{
    private static GatewayOptions Topology(string keyspace, params string[] uris) => new()
    {
        Keyspaces =
        [
            new KeyspaceOptions
            {
                Name = keyspace,
                Sharded = true,
                Shards = [.. uris.Select((uri, i) => new ShardOptions
                {
                    Name = i == 0 ? "-80" : "80-",
                    Sources = [new SourceOptions { Uri = uri }],
                })],
            },
        ],
        Health = new SourceHealthOptions { Enabled = false },
    };

    [Fact]
    public async Task Start_PlaintextAndUnverifiedSources_OneWarningEachAndGaugeZero()
    {
        var keyspace = "transport_" + Guid.NewGuid().ToString("N")[..8];
        var options = Topology(keyspace, "mysql://u:pw@db1:3306?ssl-mode=disabled", "mysql://u:pw@db2:3306?ssl-mode=required",
            "mysql://u:pw@db3:3306");
        options.Keyspaces[0].Shards[1].Sources.Add(new SourceOptions { Uri = "mysql://u:pw@db4:3306?ssl-ca=/ca.pem" });
        options.Keyspaces[0].Shards[1].Sources.Add(new SourceOptions { Uri = "mysql://u:pw@localhost?socket=/run/mysqld/mysqld.sock" });
        var logger = new ListLogger<SourceHealthMonitor>();
        var gauges = new Dictionary<string, (int Value, string Transport)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "vgate.gateway.source.transport_verified")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value as string);
            if (t["keyspace"] == keyspace)
                gauges[t["source"]!] = (value, t["transport"]!);
        });
        listener.Start();

        await using var monitor = new SourceHealthMonitor(options, logger: logger);
        monitor.Start();
        monitor.Start();
        listener.RecordObservableInstruments();

        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("source db1:3306 is connected over plaintext", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("source db2:3306 is connected over TLS without certificate verification (ssl-mode=required)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("source db3:3306", StringComparison.Ordinal) && w.Contains("ssl-mode=preferred", StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Contains("ssl-mode=verify-identity", w, StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("db4", StringComparison.Ordinal) || w.Contains("unix:", StringComparison.Ordinal));

        Assert.Equal((0, "plaintext"), gauges["db1:3306"]);
        Assert.Equal((0, "tls-unverified"), gauges["db2:3306"]);
        Assert.Equal((0, "preferred"), gauges["db3:3306"]);
        Assert.Equal((1, "tls-verified"), gauges["db4:3306"]);
        Assert.Equal((1, "unix-socket"), gauges["unix:/run/mysqld/mysqld.sock"]);
    }

    [Theory]
    [InlineData("mysql://repl:Zq/Wv7Xk@db1:3306")]
    [InlineData("mysql://repl:Zq#Wv7Xk@db1:3306")]
    [InlineData("mysql://repl:Zq?Wv7Xk@db1:3306")]
    public void SourceName_UnparsableUriWithPassword_HidesThePassword(string uri)
    {
        var name = TopologyValidator.SourceName(new SourceOptions { Uri = uri });

        Assert.DoesNotContain("Zq", name, StringComparison.Ordinal);
        Assert.DoesNotContain("Wv7Xk", name, StringComparison.Ordinal);
        Assert.Equal("mysql://***@db1:3306", name);
    }

    [Fact]
    public void Validate_UnparsableUriWithPassword_ProblemQuotesNoneOfIt()
    {
        var problems = TopologyValidator.Validate(Topology("ks", "mysql://repl:Zq/Wv7Xk@db1:3306", "mysql://repl:Zq?Wv7Xk@db2:3306"));

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.DoesNotContain("Wv7Xk", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.Contains("percent-encode", p, StringComparison.Ordinal));
    }
}
