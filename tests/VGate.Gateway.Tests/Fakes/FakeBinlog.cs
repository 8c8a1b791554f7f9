using System.Globalization;
using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.Gateway.Streams;
using VGate.VStreamer;

namespace VGate.Gateway.Tests.Fakes;

/// <summary>
/// An in-memory shard that behaves like a source's binlog for hub tests: transactions 1..N with MariaDB positions
/// <c>MariaDB/0-1-n</c>; a stream opened after position P yields every transaction after P, then waits for new ones and
/// sends a HEARTBEAT whenever it has been idle for <see cref="HeartbeatInterval"/>; a stream opened at <c>current</c> first
/// reports the current position (GTID, OTHER). Like the real streamer, each opened stream sends a FIELD before the first ROW
/// of each table. A transaction may span several batches (as large ones do). Counts opens and the streams running now.
/// </summary>
internal sealed class FakeBinlog : IShardStreamFactory
{
    private readonly object _lock = new();
    private readonly List<(int Batches, int RowBytes)> _transactions = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (int Transaction, int Batch)? _failAt;
    private int _opens;
    private int _running;
    private int _maxRunning;
    private int _consumedThrough;

    public const string Table = "t";

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Streams opened so far.</summary>
    public int Opens => Volatile.Read(ref _opens);

    /// <summary>Streams being read now (like binlog dump connections on a server).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>The most streams that were read at the same time.</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>
    /// The last transaction some stream's reader has consumed: it came back for the next batch after that transaction's
    /// last one, so it has handled it (a hub has published it to its ring).
    /// </summary>
    public int ConsumedThrough => Volatile.Read(ref _consumedThrough);

    public int Count
    {
        get
        {
            lock (_lock)
                return _transactions.Count;
        }
    }

    public static string PositionAfter(int transaction) =>
        transaction == 0 ? "MariaDB/" : string.Create(CultureInfo.InvariantCulture, $"MariaDB/0-1-{transaction}");

    /// <summary>The rows of transaction <paramref name="n"/> as a client sees their values.</summary>
    public static IEnumerable<string> RowsOf(int n, int batches) =>
        Enumerable.Range(1, batches).Select(b => string.Create(CultureInfo.InvariantCulture, $"{n}:{b}"));

    /// <summary>Appends <paramref name="count"/> transactions of <paramref name="batches"/> batches (one ROW each).</summary>
    public void Append(int count, int batches = 1, int rowBytes = 0)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
                _transactions.Add((batches, rowBytes));
            var appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            appended.TrySetResult();
        }
    }

    /// <summary>The next stream to reach batch <paramref name="batch"/> (1-based) of <paramref name="transaction"/> fails there, once.</summary>
    public void FailOnceAt(int transaction, int batch)
    {
        lock (_lock)
            _failAt = (transaction, batch);
    }

    public int BatchesOf(int transaction)
    {
        lock (_lock)
            return _transactions[transaction - 1].Batches;
    }

    public OpenedShardStream Open(ShardStreamRequest request)
    {
        Interlocked.Increment(ref _opens);
        int? start = null;
        if (request.Position != "current")
        {
            var text = request.Position;
            var last = text.LastIndexOf('-');
            start = text == "MariaDB/" ? 0 : int.Parse(text.AsSpan(last + 1), CultureInfo.InvariantCulture);
        }
        return new OpenedShardStream("fake", StreamAsync(request, start));
    }

    private async IAsyncEnumerable<IReadOnlyList<VEvent>> StreamAsync(ShardStreamRequest request, int? start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            var fieldSent = false;
            var next = (start ?? Count) + 1;
            if (start is null)
                yield return [Event(request, VEventType.Gtid, gtid: PositionAfter(next - 1)), Event(request, VEventType.Other)];

            while (true)
            {
                Task appended;
                (int Batches, int RowBytes)? transaction = null;
                lock (_lock)
                {
                    appended = _appended.Task;
                    if (next <= _transactions.Count)
                        transaction = _transactions[next - 1];
                }
                if (transaction is not { } tx)
                {
                    var idle = false;
                    try
                    {
                        await appended.WaitAsync(HeartbeatInterval, cancellationToken);
                    }
                    catch (TimeoutException)
                    {
                        idle = true;
                    }
                    if (idle)
                        yield return [Event(request, VEventType.Heartbeat)];
                    continue;
                }

                for (var b = 1; b <= tx.Batches; b++)
                {
                    var batch = new List<VEvent>();
                    if (b == 1)
                        batch.Add(Event(request, VEventType.Begin));
                    if (!fieldSent)
                    {
                        // As the streamer: a FIELD carries the timestamp of the ROW it precedes.
                        batch.Add(Field(request, 1_700_000_000 + next));
                        fieldSent = true;
                    }
                    var row = Ev.Row(Table, string.Create(CultureInfo.InvariantCulture, $"{next}:{b}"), tx.RowBytes);
                    row.Keyspace = request.Keyspace;
                    row.Shard = request.Shard;
                    row.Timestamp = 1_700_000_000 + next;
                    row.RowEvent.Keyspace = request.Keyspace;
                    row.RowEvent.Shard = request.Shard;
                    batch.Add(row);
                    if (b == tx.Batches)
                    {
                        batch.Add(Event(request, VEventType.Gtid, gtid: PositionAfter(next), timestamp: 1_700_000_000 + next));
                        batch.Add(Event(request, VEventType.Commit, timestamp: 1_700_000_000 + next));
                    }
                    lock (_lock)
                    {
                        if (_failAt == (next, b))
                        {
                            _failAt = null;
                            throw VStreamException.Unavailable($"{request.Keyspace}/{request.Shard}: fake source lost at transaction {next} batch {b}");
                        }
                    }
                    yield return batch;
                }
                InterlockedMax(ref _consumedThrough, next);
                next++;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static VEvent Field(ShardStreamRequest request, long timestamp)
    {
        var field = Ev.Field(Table);
        field.Keyspace = request.Keyspace;
        field.Shard = request.Shard;
        field.Timestamp = timestamp;
        return field;
    }

    private static VEvent Event(ShardStreamRequest request, VEventType type, string? gtid = null, long timestamp = 0) => new()
    {
        Type = type,
        Gtid = gtid ?? "",
        Keyspace = request.Keyspace,
        Shard = request.Shard,
        Timestamp = timestamp,
        CurrentTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
    };

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
