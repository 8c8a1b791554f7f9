using System.Diagnostics;
using System.Globalization;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// The source-silence watchdog judges the source, never the consumer: a consumer that pauses far longer than the timeout
/// between pulls keeps its connection, and a source that stops sending while a read waits (SIGSTOP) is still detected.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SilenceWatchdogTests
{
    // A short heartbeat keeps the test quick; the factor leaves the server (on a busy machine) well over a second of slack.
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(250);
    private const int TimeoutFactor = 8;
    private static readonly TimeSpan Timeout = Heartbeat * TimeoutFactor;

    private static BinlogClientOptions Options(MariaDbServer server) => new()
    {
        Connection = MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()),
        Start = BinlogStartPosition.Current,
        HeartbeatInterval = Heartbeat,
        HeartbeatTimeoutFactor = TimeoutFactor,
    };

    [ServerFact]
    public async Task ReadEvents_ConsumerPausesThreeTimeoutsBetweenPulls_KeepsTheConnection()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "slow-consumer" });
        await server.ExecuteAsync("CREATE DATABASE w");
        await server.ExecuteAsync("CREATE TABLE w.t (id INT PRIMARY KEY)");
        using var deadline = TestDeadline.CreateTokenSource();
        await using var client = new BinlogClient(Options(server));

        // Pause after each of the first events (heartbeats included) for three times the timeout; meanwhile the source
        // writes transactions, which must all arrive on this one connection.
        var pauses = 0;
        var next = 1;
        var seen = new List<int>();
        await foreach (var binlogEvent in client.ReadEventsAsync(deadline.Token))
        {
            if (binlogEvent is RowsEvent rows && rows.TableMap.Table == "t")
            {
                foreach (var row in BinlogCapture.Capture(rows, client).Rows)
                    seen.Add(int.Parse(row.After!["id"]!, CultureInfo.InvariantCulture));
                if (seen.Count == 2)
                    break;
            }
            if (pauses < 2 && binlogEvent is HeartbeatEvent or XidEvent)
            {
                pauses++;
                await server.ExecuteAsync($"INSERT INTO w.t VALUES ({next++})");
                // The scenario itself: a consumer that is busy for a long time (a full ring, a slow client, a Kafka commit).
                await Task.Delay(Timeout * 3, deadline.Token);
            }
        }

        Assert.Equal([1, 2], seen);
        Assert.Equal(2, pauses);
    }

    [ServerFact]
    public async Task ReadEvents_SourceStoppedWhileAReadWaits_FailsWithConnectionLost()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "sigstop" });
        var pid = server.ProcessId ?? throw new InvalidOperationException("the server is not running");
        using var deadline = TestDeadline.CreateTokenSource();
        await using var client = new BinlogClient(Options(server));

        var stopped = false;
        try
        {
            var error = await Assert.ThrowsAsync<ReplicationException>(async () =>
            {
                await foreach (var binlogEvent in client.ReadEventsAsync(deadline.Token))
                {
                    if (!stopped && binlogEvent is HeartbeatEvent)
                    {
                        // The source freezes with the connection open: no FIN, no RST, just silence.
                        await SignalAsync("STOP", pid);
                        stopped = true;
                    }
                }
            });

            Assert.True(stopped);
            Assert.Equal(ReplicationErrorKind.ConnectionLost, error.Kind);
            Assert.Contains("heartbeats stopped", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (stopped)
                await SignalAsync("CONT", pid);
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
