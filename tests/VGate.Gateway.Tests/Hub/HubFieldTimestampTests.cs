using Binlogdata;
using VGate.Gateway.Hub;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.Testing;
using Vtgate;

namespace VGate.Gateway.Tests.Hub;

/// <summary>
/// A subscriber that joins a fan-out hub after its table's FIELD went by gets that FIELD in front of its first ROW; the
/// FIELD carries the timestamp of that ROW, as the streamer's own FIELDs do, not the (old) one of the cached FIELD.
/// </summary>
public sealed class HubFieldTimestampTests
{
    private static GatewayOptions Options(string keyspace) => new()
    {
        RetryDelay = TimeSpan.FromMilliseconds(10),
        FanOut = new FanOutOptions { Enabled = true, RingBytes = 1024 * 1024, Linger = TimeSpan.FromMilliseconds(200) },
        Health = new VGate.Gateway.Health.SourceHealthOptions { Enabled = false },
        Keyspaces = [TestTopology.Keyspace(keyspace, sharded: false, "0")],
    };

    private static VStreamRequest Request(string keyspace) => new()
    {
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = keyspace, Shard = "0", Gtid = "current" } } },
        Flags = new VStreamFlags { ExcludeKeyspaceFromTableName = true },
    };

    [Fact]
    public async Task Stream_SubscriberJoiningAfterTheField_GetsItWithTheTimestampOfTheRowItPrecedes()
    {
        const string keyspace = "fieldts";
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var binlog = new FakeBinlog();
        binlog.Append(10);
        await using var gateway = new VStreamGateway(Options(keyspace), binlog);
        var lastRow = FakeBinlog.RowsOf(15, 1).Single();
        await using var first = new RowSubscriber(gateway, Request(keyspace), rows => rows.Count > 0 && rows[^1] == lastRow, cancellationToken: deadline.Token);
        await first.Started.Task.WaitAsync(deadline.Token);
        await Eventually.AssertAsync(() => Assert.Equal(1, binlog.Running), TimeSpan.FromSeconds(20), deadline.Token);
        binlog.Append(3);
        await Eventually.AssertAsync(() => Assert.Equal(3, first.Transactions), TimeSpan.FromSeconds(20), deadline.Token);

        await using var late = new RowSubscriber(gateway, Request(keyspace), rows => rows.Count > 0 && rows[^1] == lastRow, cancellationToken: deadline.Token);
        await late.Started.Task.WaitAsync(deadline.Token);
        binlog.Append(2);
        await first.Done.Task.WaitAsync(deadline.Token);
        await late.Done.Task.WaitAsync(deadline.Token);

        // The first subscriber got the source's FIELD (before transaction 11's ROW); the late one the hub's cached copy,
        // in front of transaction 14's ROW, stamped with that ROW's time.
        Assert.Equal([(1_700_000_011L, 1_700_000_011L)], first.FieldTimestamps);
        Assert.Equal([(1_700_000_014L, 1_700_000_014L)], late.FieldTimestamps);
        Assert.Null(first.Error);
        Assert.Null(late.Error);
    }
}
