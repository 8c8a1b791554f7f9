using System.Globalization;
using System.Text;
using Binlogdata;
using Grpc.Core;
using Grpc.Net.Client;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing.Faults;
using Vtgate;
using RowChange = VGate.Testing.Faults.RowChange;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// A VStream client as an application would write one: it saves the VGTID after every transaction it has processed,
/// and on any error (the gateway killed, a shard's stream failed) reconnects with exponential backoff from the saved
/// VGTID. Every row change goes into a <see cref="ChangeLedger"/> and a replica of the table (by id), applied only at
/// COMMIT, as the saved VGTID moves: what it holds is exactly what it would have persisted.
/// </summary>
internal sealed class ResumingVStreamClient(string address, string keyspace, IReadOnlyDictionary<string, string> start)
{
    private const int InitialBackoffMs = 50;
    private const int MaxBackoffMs = 2000;

    private readonly Dictionary<long, RowImage> _replica = [];
    private readonly Dictionary<string, long> _saved = new(start.ToDictionary(s => s.Key, s => Positions.Sequence(s.Value) ?? 0), StringComparer.Ordinal);
    private VGtid _vgtid = Initial(keyspace, start);
    private long _events;
    private long _transactions;
    private int _connections;
    private int _errors;

    public ChangeLedger Ledger { get; } = new();

    public IReadOnlyDictionary<long, RowImage> Replica => _replica;

    public long Events => Interlocked.Read(ref _events);

    public long Transactions => Interlocked.Read(ref _transactions);

    public int Connections => _connections;

    public int Errors => _errors;

    /// <summary>The last error that made the client reconnect.</summary>
    public string? LastError { get; private set; }

    /// <summary>The saved position of each shard (GTID sequence number).</summary>
    public IReadOnlyDictionary<string, long> Saved
    {
        get
        {
            lock (_saved)
                return new Dictionary<string, long>(_saved);
        }
    }

    /// <summary>Streams until every shard's saved position reaches <paramref name="end"/> (known once the workload stops).</summary>
    public async Task RunAsync(Func<IReadOnlyDictionary<string, long>?> end, CancellationToken cancellationToken)
    {
        // The channel has a connection backoff of its own (Grpc.Net.Client: up to 120 s by default); it is held to the
        // client's, so that how soon the client is back after a gateway restart is the client's choice.
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 << 20,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(InitialBackoffMs),
            MaxReconnectBackoff = TimeSpan.FromMilliseconds(MaxBackoffMs),
        });
        var client = new Vtgateservice.Vitess.VitessClient(channel);
        var backoff = InitialBackoffMs;
        while (!Reached(end()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            _connections++;
            try
            {
                using var call = client.VStream(new VStreamRequest
                {
                    TabletType = Topodata.TabletType.Primary,
                    Vgtid = _vgtid.Clone(),
                    // Heartbeats let an idle client notice that it has reached the end.
                    Flags = new VStreamFlags { HeartbeatInterval = 1 },
                }, cancellationToken: cancellationToken);
                await ReadAsync(call.ResponseStream, end, () => backoff = InitialBackoffMs, cancellationToken);
                if (Reached(end()))
                    return;
                throw new InvalidOperationException("the stream ended without an error before the end position");
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                _errors++;
                LastError = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{ex.GetType().Name}: {ex.Message}";
                await Task.Delay(backoff, cancellationToken);
                backoff = Math.Min(backoff * 2, MaxBackoffMs);
            }
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<VStreamResponse> stream, Func<IReadOnlyDictionary<string, long>?> end, Action progress, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<RowChange>? open = null;
        VGtid? pending = null;
        while (await stream.MoveNext(cancellationToken))
        {
            progress();
            foreach (var e in stream.Current.Events)
            {
                Interlocked.Increment(ref _events);
                switch (e.Type)
                {
                    case VEventType.Begin:
                        open = [];
                        break;
                    case VEventType.Field:
                        fields[e.FieldEvent.TableName] = [.. e.FieldEvent.Fields.Select(f => f.Name)];
                        break;
                    case VEventType.Row:
                        if (open is null)
                            throw new Xunit.Sdk.XunitException($"a ROW event of {e.RowEvent.TableName} outside a transaction");
                        var names = fields[e.RowEvent.TableName];
                        foreach (var change in e.RowEvent.RowChanges)
                            open.Add(new RowChange(Image(names, change.Before), Image(names, change.After)));
                        break;
                    case VEventType.Vgtid:
                        pending = new VGtid(e.Vgtid);
                        break;
                    case VEventType.Commit:
                        // Processed and saved together: the changes, then the position after them.
                        foreach (var change in open ?? [])
                        {
                            Ledger.Add(change);
                            if (change.Before is { } before)
                                _replica.Remove(before.Id);
                            if (change.After is { } after)
                                _replica[after.Id] = after;
                        }

                        open = null;
                        Save(pending);
                        Interlocked.Increment(ref _transactions);
                        break;
                    case VEventType.Ddl:
                    case VEventType.Other:
                        Save(pending);
                        break;
                }
            }

            if (open is null && Reached(end()))
                return;
        }
    }

    private void Save(VGtid? vgtid)
    {
        if (vgtid is null)
            return;
        _vgtid = vgtid;
        lock (_saved)
        {
            foreach (var shard in vgtid.ShardGtids)
                _saved[shard.Shard] = Positions.Sequence(shard.Gtid) ?? 0;
        }
    }

    private bool Reached(IReadOnlyDictionary<string, long>? end)
    {
        if (end is null)
            return false;
        lock (_saved)
            return end.All(e => _saved.GetValueOrDefault(e.Key) >= e.Value);
    }

    private static VGtid Initial(string keyspace, IReadOnlyDictionary<string, string> start)
    {
        var vgtid = new VGtid();
        foreach (var (shard, gtid) in start)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = keyspace, Shard = shard, Gtid = gtid });
        return vgtid;
    }

    /// <summary>A row of table <c>t</c> (Vitess text encoding: lengths, then the values concatenated).</summary>
    private static RowImage? Image(List<string> names, Query.Row? row)
    {
        if (row is null)
            return null;
        var values = row.Values.Span;
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = 0;
        for (var i = 0; i < names.Count; i++)
        {
            var length = (int)row.Lengths[i];
            if (length < 0)
                continue;
            text[names[i]] = Encoding.UTF8.GetString(values.Slice(at, length));
            at += length;
        }

        return new RowImage(
            long.Parse(text["id"], CultureInfo.InvariantCulture),
            int.Parse(text["writer"], CultureInfo.InvariantCulture),
            text["v"],
            int.Parse(text["n"], CultureInfo.InvariantCulture));
    }
}
