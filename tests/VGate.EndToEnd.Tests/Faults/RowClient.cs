using System.Globalization;
using Binlogdata;
using Grpc.Core;
using VGate.EndToEnd.Tests.Infrastructure;
using Vtgate;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// A VStream client as an application would write one, for fault tests: it counts a row only when its transaction's
/// COMMIT arrives, remembers the VGTID of the last committed transaction, and resumes from it after any failure. Every
/// inserted id (column 0 of table <c>t</c>) must arrive exactly once: a second arrival is recorded as a duplicate.
/// </summary>
internal sealed class RowClient : IDisposable
{
    private readonly Func<Vtgateservice.Vitess.VitessClient> _connect;
    private readonly Topodata.TabletType _tabletType;
    private readonly HashSet<long> _ids = [];
    private readonly List<long> _duplicates = [];
    private readonly List<long> _pending = [];
    private AsyncServerStreamingCall<VStreamResponse>? _call;
    private VGtid? _pendingVgtid;
    private bool _inTransaction;

    /// <param name="connect">Gives the client to (re)connect with (e.g. through a proxy, or directly).</param>
    /// <param name="start">Where to start.</param>
    /// <param name="tabletType">The tablet type asked for.</param>
    public RowClient(Func<Vtgateservice.Vitess.VitessClient> connect, VGtid start, Topodata.TabletType tabletType = Topodata.TabletType.Primary)
    {
        _connect = connect;
        _tabletType = tabletType;
        Committed = start.Clone();
    }

    /// <summary>The VGTID of the last committed transaction received (the resume point).</summary>
    public VGtid Committed { get; private set; }

    /// <summary>Ids received in committed transactions, each once.</summary>
    public IReadOnlyCollection<long> Ids => _ids;

    /// <summary>Ids that arrived a second time.</summary>
    public IReadOnlyList<long> Duplicates => _duplicates;

    /// <summary>How many times the call was (re)opened.</summary>
    public int Calls { get; private set; }

    /// <summary>The failures the client resumed after.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>
    /// Reads until <paramref name="done"/> holds (checked after every response). With <paramref name="resumeOnError"/>,
    /// a failed call is reopened from <see cref="Committed"/>; otherwise the error is thrown.
    /// </summary>
    public async Task ReadUntilAsync(Func<RowClient, bool> done, bool resumeOnError, CancellationToken cancellationToken)
    {
        while (!done(this))
        {
            _call ??= Open(cancellationToken);
            try
            {
                if (!await _call.ResponseStream.MoveNext(cancellationToken))
                    throw new Xunit.Sdk.XunitException($"the stream ended after {_ids.Count} ids");
            }
            catch (RpcException ex) when (resumeOnError && !cancellationToken.IsCancellationRequested)
            {
                Failures.Add($"{ex.StatusCode}: {ex.Status.Detail}");
                Drop();
                continue;
            }
            foreach (var e in _call.ResponseStream.Current.Events)
                Add(e);
        }
    }

    /// <summary>Reads until the call fails and returns its error (rows before it are counted as usual).</summary>
    public async Task<RpcException> ReadToErrorAsync(CancellationToken cancellationToken)
    {
        _call ??= Open(cancellationToken);
        try
        {
            while (await _call.ResponseStream.MoveNext(cancellationToken))
            {
                foreach (var e in _call.ResponseStream.Current.Events)
                    Add(e);
            }
        }
        catch (RpcException ex)
        {
            Drop();
            return ex;
        }
        throw new Xunit.Sdk.XunitException($"the stream ended without an error after {_ids.Count} ids");
    }

    /// <summary>Abandons the current call (as a client that gives up on a hung connection); the next read resumes.</summary>
    public void Drop()
    {
        _call?.Dispose();
        _call = null;
        _pending.Clear();
        _pendingVgtid = null;
        _inTransaction = false;
    }

    /// <summary>True when every id in [<paramref name="from"/>, <paramref name="to"/>] has arrived.</summary>
    public bool HasAll(long from, long to)
    {
        for (var id = from; id <= to; id++)
        {
            if (!_ids.Contains(id))
                return false;
        }
        return true;
    }

    /// <summary>Fails unless exactly the ids [<paramref name="from"/>, <paramref name="to"/>] arrived, each once.</summary>
    public void AssertExactly(long from, long to, string who)
    {
        Assert.True(_duplicates.Count == 0, $"{who}: {_duplicates.Count} ids arrived twice (first {string.Join(", ", _duplicates.Take(5))})");
        var missing = Enumerable.Range(0, (int)(to - from + 1)).Select(i => from + i).Where(id => !_ids.Contains(id)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"{who}: ids missing, first {string.Join(", ", missing)}");
        var extra = _ids.Where(id => id < from || id > to).Take(5).ToList();
        Assert.True(extra.Count == 0, $"{who}: unexpected ids {string.Join(", ", extra)}");
    }

    public void Dispose() => Drop();

    private AsyncServerStreamingCall<VStreamResponse> Open(CancellationToken cancellationToken)
    {
        Calls++;
        var request = new VStreamRequest { TabletType = _tabletType, Vgtid = Committed.Clone(), Flags = new VStreamFlags { HeartbeatInterval = 1 } };
        return _connect().VStream(request, cancellationToken: cancellationToken);
    }

    private void Add(VEvent e)
    {
        switch (e.Type)
        {
            case VEventType.Begin:
                _inTransaction = true;
                _pending.Clear();
                _pendingVgtid = null;
                break;
            case VEventType.Row:
                foreach (var change in e.RowEvent.RowChanges)
                {
                    if (change.After is { } after && change.Before is null)
                        _pending.Add(long.Parse(Rows.Decode(after)[0]!, CultureInfo.InvariantCulture));
                }
                break;
            case VEventType.Vgtid when _inTransaction:
                _pendingVgtid = e.Vgtid;
                break;
            case VEventType.Vgtid:
                Committed = e.Vgtid.Clone();
                break;
            case VEventType.Commit:
                foreach (var id in _pending)
                {
                    if (!_ids.Add(id))
                        _duplicates.Add(id);
                }
                _pending.Clear();
                if (_pendingVgtid is not null)
                    Committed = _pendingVgtid.Clone();
                _pendingVgtid = null;
                _inTransaction = false;
                break;
        }
    }
}
