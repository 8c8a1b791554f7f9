using System.Buffers.Binary;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// Finding and re-reading the XA PREPARE group of a committed XA transaction on a real MariaDB: remembered while
/// streaming, searched for after a resume (also across a rotation), an XA id used twice, and a purged group.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PreparedXaReaderTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private MariaDbServer Server => fixture.Server;

    private MySqlConnectionOptions Source => MySqlConnectionOptions.Parse(Server.ReplicationUri.ToString());

    [ServerFact]
    public async Task LocateAndReadGroup_RememberedWhileStreaming_YieldsThePreparedRows()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await CurrentAsync();
        var xid = await PrepareAsync(db, "rem", 1, 2, 3);
        await Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (100, 'between')");
        await Server.ExecuteAsync("XA COMMIT 'rem'");

        var reader = new PreparedXaReader(Source);
        var (prepareStart, commitStart) = await WalkAsync(start, xid, reader);
        Assert.NotNull(prepareStart);
        Assert.NotNull(commitStart);

        var located = await reader.LocateAsync(xid, commitStart.Value, Token);
        Assert.Equal(prepareStart, located);
        Assert.Equal(0, reader.Searches);
        Assert.Equal([1, 2, 3], await ReadIdsAsync(reader, xid, located, db));
    }

    [ServerFact]
    public async Task LocateAsync_NotRemembered_SearchesOlderFilesAndFindsTheLastPrepareOfThatId()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await CurrentAsync();
        // The same id prepared and committed twice: the second commit's rows are the second prepare's.
        var xid = await PrepareAsync(db, "again", 1);
        await Server.ExecuteAsync("XA COMMIT 'again'");
        await PrepareAsync(db, "again", 7, 8);
        await Server.FlushLogsAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (100, 'between')");
        await Server.FlushLogsAsync();
        await Server.ExecuteAsync("XA COMMIT 'again'");

        var walker = new PreparedXaReader(Source);
        var (_, secondCommit) = await WalkAsync(start, xid, walker, commitToFind: 2);
        Assert.NotNull(secondCommit);

        var fresh = new PreparedXaReader(Source);
        var located = await fresh.LocateAsync(xid, secondCommit.Value, Token);
        Assert.Equal(1, fresh.Searches);
        Assert.NotEqual(secondCommit.Value.FileName, located.FileName);
        Assert.Equal([7, 8], await ReadIdsAsync(fresh, xid, located, db));
    }

    [ServerFact]
    public async Task LocateAsync_PrepareGroupPurged_FailsNamingTheTransaction()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var xid = await PrepareAsync(db, "gone", 5);
        await Server.FlushLogsAsync();
        await Server.PurgeAllButCurrentAsync();
        await Server.ExecuteAsync("XA COMMIT 'gone'");
        var (file, position) = await Server.GetBinlogPositionAsync();

        var reader = new PreparedXaReader(Source);
        var error = await Assert.ThrowsAsync<ReplicationException>(() => reader.LocateAsync(xid, new BinlogFilePosition(file, (ulong)position), Token));
        Assert.Equal(ReplicationErrorKind.PositionPurged, error.Kind);
        Assert.Contains("X'676F6E65',X'',1", error.Message, StringComparison.Ordinal);
        Assert.Contains("purged", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ReadGroupAsync_WrongStart_FailsInsteadOfYieldingAnotherTransaction()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var xid = await PrepareAsync(db, "right", 1);
        await Server.ExecuteAsync("XA COMMIT 'right'");
        var (file, position) = await Server.GetBinlogPositionAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (50, 'plain')");
        await Server.ExecuteAsync($"INSERT INTO {db}.t VALUES (51, 'plain')");

        var reader = new PreparedXaReader(Source);
        var error = await Assert.ThrowsAsync<ReplicationException>(async () =>
        {
            await foreach (var _ in reader.ReadGroupAsync(xid, new BinlogFilePosition(file, (ulong)position), Token))
            {
            }
        });
        Assert.Contains("without an XA PREPARE", error.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Token => CancellationToken.None;

    private async Task<BinlogStartPosition> CurrentAsync() =>
        BinlogStartPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());

    /// <summary>XA START … XA PREPARE on a connection that then closes (MariaDB keeps the prepared transaction).</summary>
    private async Task<XaId> PrepareAsync(string db, string name, params int[] ids)
    {
        var inserts = string.Join(";", ids.Select(id => $"INSERT INTO {db}.t VALUES ({id}, '{name}')"));
        await Server.ExecuteAsync($"XA START '{name}'; {inserts}; XA END '{name}'; XA PREPARE '{name}'");
        return XaId.Parse($"'{name}'");
    }

    /// <summary>
    /// Streams the binlog to its end as a streamer would: remembers each prepared group of <paramref name="xid"/> and
    /// returns where the last one starts and where the <paramref name="commitToFind"/>-th XA COMMIT of it starts.
    /// </summary>
    private async Task<(BinlogFilePosition? Prepare, BinlogFilePosition? Commit)> WalkAsync(
        BinlogStartPosition start, XaId xid, PreparedXaReader reader, int commitToFind = 1)
    {
        await using var client = new BinlogClient(BinlogCapture.Options(Server, start));
        BinlogFilePosition? groupStart = null, prepare = null, commit = null;
        var commits = 0;
        await foreach (var binlogEvent in client.ReadEventsAsync(Token))
        {
            switch (binlogEvent)
            {
                case MariaDbGtidEvent:
                    groupStart = client.LastEventStart;
                    break;
                case XaPrepareEvent p when XaId.From(p) == xid:
                    prepare = groupStart;
                    reader.Remember(xid, groupStart!.Value);
                    break;
                case QueryEvent q when XaId.TryParseFromStatement(q.Query, out var committed) && committed == xid && ++commits == commitToFind:
                    commit = groupStart;
                    break;
            }
        }
        return (prepare, commit);
    }

    private static async Task<List<int>> ReadIdsAsync(PreparedXaReader reader, XaId xid, BinlogFilePosition groupStart, string db)
    {
        var ids = new List<int>();
        var sawPrepare = false;
        await foreach (var binlogEvent in reader.ReadGroupAsync(xid, groupStart, Token))
        {
            if (binlogEvent is RowsEvent rows && rows.TableMap.Database == db)
            {
                foreach (var row in rows.GetRows())
                {
                    Assert.True(row.After.TryGetCell(0, out var cell));
                    ids.Add(BinaryPrimitives.ReadInt32LittleEndian(row.After.GetBytes(cell)));
                }
            }
            sawPrepare |= binlogEvent is XaPrepareEvent;
        }
        Assert.True(sawPrepare);
        return ids;
    }
}
