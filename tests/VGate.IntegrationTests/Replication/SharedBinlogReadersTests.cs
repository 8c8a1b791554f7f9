using System.Text.Json;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// <see cref="SharedBinlogReaders"/> against a real MariaDB: consumers of one shared replication connection get exactly the
/// events a <see cref="BinlogClient"/> of their own gets (judged by a non-blocking dump of the same position), also one
/// that falls behind the ring and continues on its own connection; and the reader's failure reaches every consumer.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SharedBinlogReadersTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const long RingBytes = 64 * 1024;

    private MariaDbServer Server => fixture.Server;

    /// <summary>Every transaction form the classifier knows, then enough large rows to overflow a 64 KiB ring several times.</summary>
    private async Task<(ReplicationPosition Start, ReplicationPosition End)> RunWorkloadAsync(int largeRows)
    {
        var db = await fixture.CreateDatabaseAsync();
        var xid = "x" + Guid.NewGuid().ToString("N")[..8];
        var start = ReplicationPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());
        string[] statements =
        [
            "CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(2000)) ENGINE=InnoDB",
            "BEGIN; INSERT INTO {db}.t VALUES (1,'a'); SAVEPOINT s1; INSERT INTO {db}.t VALUES (2,'rb'); ROLLBACK TO SAVEPOINT s1; INSERT INTO {db}.t VALUES (3,'c'); RELEASE SAVEPOINT s1; COMMIT",
            "CREATE TABLE {db}.c2 ENGINE=InnoDB SELECT * FROM {db}.t",
            "SET SESSION binlog_format=STATEMENT; INSERT INTO {db}.t VALUES (70,'sbr'); SET SESSION binlog_format=ROW",
            "XA START '{xid}1'; INSERT INTO {db}.t VALUES (80,'xa'); XA END '{xid}1'; XA PREPARE '{xid}1'; XA COMMIT '{xid}1'",
        ];
        foreach (var statement in statements)
            await Server.ExecuteAsync(statement.Replace("{db}", db, StringComparison.Ordinal).Replace("{xid}", xid, StringComparison.Ordinal));
        for (var i = 0; i < largeRows; i++)
            await Server.ExecuteAsync($"INSERT INTO {db}.t VALUES ({1000 + i}, REPEAT('x', 1500))");
        var end = ReplicationPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());
        return (start, end);
    }

    [ServerFact]
    public async Task Consumers_OneFallingBehindTheRing_EachGetsExactlyTheEventsOfItsOwnClient_AndAllEndOnOneConnection()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(3));
        var token = deadline.Token;
        var start = ReplicationPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());
        var readers = new SharedBinlogReaders(RingBytes);
        var key = "shared-" + Guid.NewGuid().ToString("N");
        await using var fast = readers.Open(key, BinlogCapture.Options(Server, BinlogStartPosition.FromGtid(start), stopAtEnd: false));
        await using var slow = readers.Open(key, BinlogCapture.Options(Server, BinlogStartPosition.FromGtid(start), stopAtEnd: false));
        await using var fastEvents = fast.ReadEventsAsync(token).GetAsyncEnumerator(token);
        await using var slowEvents = slow.ReadEventsAsync(token).GetAsyncEnumerator(token);

        // The fast consumer creates the reader at start, the slow one attaches at the same boundary (nothing is written yet,
        // so the ring still has it); both read the first event the dump sends.
        var fastCaptured = new List<CapturedEvent>();
        var slowCaptured = new List<CapturedEvent>();
        Assert.True(await fastEvents.MoveNextAsync());
        fastCaptured.Add(BinlogCapture.Capture(fastEvents.Current, fast));
        Assert.True(await slowEvents.MoveNextAsync());
        slowCaptured.Add(BinlogCapture.Capture(slowEvents.Current, slow));
        Assert.True(((SharedBinlogConsumer)slow).OnSharedReader);
        Assert.Equal(1, readers.ReaderCount);

        // Then the slow one reads nothing until the fast one has everything: the ring (64 KiB) cannot hold that, so the slow
        // one is detached and continues on a connection of its own.
        var (_, end) = await RunWorkloadAsync(largeRows: 200);
        var expected = Comparable(await BinlogCapture.ReadToEndAsync(Server, BinlogStartPosition.FromGtid(start), token));
        await ReadToAsync(fastEvents, fast, end, token, fastCaptured);
        Assert.Equal(expected, Comparable(fastCaptured));
        await ReadToAsync(slowEvents, slow, end, token, slowCaptured);
        Assert.Equal(expected, Comparable(slowCaptured));

        // Both at the end of the log: the slow one moves back onto the shared connection at a heartbeat.
        var slowConsumer = (SharedBinlogConsumer)slow;
        while (!slowConsumer.OnSharedReader)
        {
            Assert.True(await slowEvents.MoveNextAsync());
            Assert.IsType<HeartbeatEvent>(slowEvents.Current);
        }
        Assert.Equal(1, readers.ReaderCount);
        await Eventually.AssertAsync(async () => Assert.Equal(1L, await DumpThreadsAsync(token)), TestDeadline.Default, token);

        // And the next transactions reach both once
        // (in a new binlog file: the consumers follow the ROTATE on the shared connection).
        var nextStart = ReplicationPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());
        await Server.ExecuteAsync("FLUSH BINARY LOGS");
        var (_, nextEnd) = await RunWorkloadAsync(largeRows: 1);
        var expectedNext = Comparable(await BinlogCapture.ReadToEndAsync(Server, BinlogStartPosition.FromGtid(nextStart), token));
        Assert.Equal(expectedNext, Comparable(await ReadToAsync(fastEvents, fast, nextEnd, token)));
        Assert.Equal(expectedNext, Comparable(await ReadToAsync(slowEvents, slow, nextEnd, token)));
        Assert.True(((SharedBinlogConsumer)slow).OnSharedReader);
    }

    [ServerFact]
    public async Task ReaderLosesItsConnection_EveryConsumerGetsTheError()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(3));
        var token = deadline.Token;
        var (start, end) = await RunWorkloadAsync(largeRows: 3);
        var readers = new SharedBinlogReaders(RingBytes);
        var key = "shared-" + Guid.NewGuid().ToString("N");
        var consumers = Enumerable.Range(0, 3)
            .Select(_ => readers.Open(key, BinlogCapture.Options(Server, BinlogStartPosition.FromGtid(start), stopAtEnd: false)))
            .ToList();
        var enumerators = consumers.Select(c => c.ReadEventsAsync(token).GetAsyncEnumerator(token)).ToList();
        for (var i = 0; i < consumers.Count; i++)
            await ReadToAsync(enumerators[i], consumers[i], end, token);
        await Eventually.AssertAsync(async () => Assert.Equal(1L, await DumpThreadsAsync(token)), TestDeadline.Default, token);

        foreach (var id in (await Server.QueryAsync("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")).Select(r => r[0]))
            await Server.ExecuteAsync($"KILL {id}");

        foreach (var events in enumerators)
        {
            var error = await Assert.ThrowsAsync<ReplicationException>(async () =>
            {
                while (await events.MoveNextAsync())
                {
                }
            });
            Assert.Equal(ReplicationErrorKind.ConnectionLost, error.Kind);
            await events.DisposeAsync();
        }
        Assert.Equal(0, readers.ReaderCount);
        foreach (var consumer in consumers)
            await consumer.DisposeAsync();
    }

    /// <summary>Reads until the transaction that brings the position to <paramref name="end"/> is complete.</summary>
    private static async Task<List<CapturedEvent>> ReadToAsync(IAsyncEnumerator<BinlogEvent> events, IBinlogEventReader reader, ReplicationPosition end,
        CancellationToken token, List<CapturedEvent>? captured = null)
    {
        captured ??= [];
        if (reader.Position is { } already && already.AtLeast(end))
            return captured;
        while (await events.MoveNextAsync())
        {
            token.ThrowIfCancellationRequested();
            captured.Add(BinlogCapture.Capture(events.Current, reader));
            if (reader.LastEventCompletedTransaction && reader.Position is { } position && position.AtLeast(end))
                return captured;
        }
        throw new Xunit.Sdk.XunitException($"the reader ended after {captured.Count} events");
    }

    /// <summary>The events that carry data, as text (what the stream makes of them); not the ones a dump makes up at its start.</summary>
    private static List<string> Comparable(List<CapturedEvent> events) => events
        .Where(e => e.Type is not (EventType.Heartbeat or EventType.Rotate or EventType.FormatDescription or EventType.MariaDbGtidList
            or EventType.MariaDbBinlogCheckpoint or EventType.PreviousGtids))
        .Select(e => $"{e.Type} {e.Gtid} {e.Sql} {e.Table} {e.ResumePosition} {JsonSerializer.Serialize(e.Rows)}")
        .ToList();

    private Task<long> DumpThreadsAsync(CancellationToken token) =>
        Server.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'", token);
}
