using Binlogdata;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>One row change as the client saw it (cells as text; null image = absent).</summary>
internal sealed record RowChangeText(string Table, string?[]? Before, string?[]? After);

/// <summary>A committed unit as the client saw it: a transaction (BEGIN … VGTID, COMMIT) or a lone VGTID, OTHER/DDL.</summary>
/// <param name="Shard">The shard it came from.</param>
/// <param name="Terminal">COMMIT, OTHER or DDL.</param>
/// <param name="Vgtid">The last VGTID of the unit: the position to resume from once it is processed.</param>
/// <param name="Position">The shard's own position in <paramref name="Vgtid"/>.</param>
/// <param name="Changes">Its row changes in order (empty when the checker does not keep rows).</param>
/// <param name="RowCount">How many row changes it had.</param>
/// <param name="Copy">True for copy-phase units (their events carry timestamp 0).</param>
/// <param name="Responses">How many responses the unit was spread over.</param>
internal sealed record StreamedTransaction(
    string Shard, VEventType Terminal, VGtid Vgtid, string Position, IReadOnlyList<RowChangeText> Changes, long RowCount, bool Copy, int Responses)
{
    public long? Sequence => Positions.Sequence(Position);
}

/// <summary>
/// Checks, event by event, what vstream-spec §2.3 and §2.13 promise a VStream client, and assembles what it saw:
/// <list type="bullet">
/// <item>every transaction is <c>BEGIN, [FIELD], ROW…, VGTID, COMMIT</c> from one shard, never interleaved with another
/// shard's events (the copy phase may carry several VGTIDs, and an empty table's double BEGIN is tolerated);</item>
/// <item>a lone <c>VGTID</c> is followed by <c>OTHER</c> or <c>DDL</c> of the same shard;</item>
/// <item>every VGTID carries the full vector of the stream's shards, in request order; the entries of the other shards
/// are exactly what the previous VGTIDs said, and the sending shard's position never goes back;</item>
/// <item>a ROW has as many columns as the last FIELD of its (shard, table); table names are <c>keyspace.table</c>;</item>
/// <item>HEARTBEATs carry no keyspace/shard; the global COPY_COMPLETED follows every shard's own.</item>
/// </list>
/// A violation throws at once, naming the event number and what was expected.
/// </summary>
internal sealed class StreamChecker
{
    private readonly string _keyspace;
    private readonly List<string> _order;
    private readonly Dictionary<string, ShardGtid> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Shard, string Table), int> _fieldCounts = [];
    private readonly HashSet<string> _copyCompleted = new(StringComparer.Ordinal);
    private Open? _open;
    private VEvent? _loneVgtid;
    private long _events;
    private int _responses;

    /// <param name="keyspace">The keyspace streamed.</param>
    /// <param name="start">The request's VGTID after shard expansion: one entry per shard, in stream order.</param>
    public StreamChecker(string keyspace, IEnumerable<ShardGtid> start)
    {
        _keyspace = keyspace;
        _order = [];
        foreach (var entry in start)
        {
            _order.Add(entry.Shard);
            _known[entry.Shard] = entry.Clone();
        }
    }

    /// <summary>A checker for a stream of every shard of <paramref name="cluster"/> starting at <paramref name="gtid"/>.</summary>
    public static StreamChecker ForAllShards(ShardCluster cluster, string gtid) =>
        new(ShardCluster.Keyspace, cluster.Shards.Select(s => new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = s.Name, Gtid = gtid }));

    /// <summary>Keep each unit's row changes (default); off for huge transactions, which <see cref="RowObserver"/> checks instead.</summary>
    public bool KeepRows { get; init; } = true;

    /// <summary>Called for every ROW event, in order, with the FIELD column count known for it.</summary>
    public Action<VEvent>? RowObserver { get; init; }

    public List<StreamedTransaction> Transactions { get; } = [];

    public int Heartbeats { get; private set; }

    public long Events => _events;

    /// <summary>True when the global COPY_COMPLETED (no keyspace/shard) has arrived.</summary>
    public bool CopyCompleted { get; private set; }

    public IReadOnlySet<string> ShardsCopyCompleted => _copyCompleted;

    /// <summary>The VGTID of the last complete unit: where a client that stops now resumes.</summary>
    public VGtid? ResumeVgtid { get; private set; }

    /// <summary>True between a BEGIN and its COMMIT.</summary>
    public bool InTransaction => _open is not null;

    /// <summary>The last position each shard reported (or its start value).</summary>
    public string PositionOf(string shard) => _known[shard].Gtid;

    /// <summary>Units of one shard, in arrival order.</summary>
    public IEnumerable<StreamedTransaction> Of(string shard) => Transactions.Where(t => t.Shard == shard);

    public void OnResponse() => _responses++;

    public void Add(VEvent e)
    {
        _events++;
        switch (e.Type)
        {
            case VEventType.Begin:
                if (_open is not null && !(_open.Copy && _open.Changes.Count == 0 && _open.Vgtids > 0 && _open.Shard == e.Shard))
                    Fail(e, $"BEGIN while a transaction of {_open.Shard} is open");
                Expect(_loneVgtid is null, e, "BEGIN right after a lone VGTID (expected OTHER or DDL)");
                RequireShard(e);
                _open = new Open(e.Shard, copy: e.Timestamp == 0, firstResponse: _responses);
                break;
            case VEventType.Field:
                RequireOpen(e);
                Expect(e.FieldEvent.TableName == _keyspace + "." + Bare(e.FieldEvent.TableName), e, $"FIELD table name '{e.FieldEvent.TableName}' is not prefixed with '{_keyspace}.'");
                Expect(e.FieldEvent.Shard == e.Shard, e, "FIELD.shard differs from the event's shard");
                _fieldCounts[(e.Shard, e.FieldEvent.TableName)] = e.FieldEvent.Fields.Count;
                break;
            case VEventType.Row:
                RequireOpen(e);
                Expect(e.RowEvent.Shard == e.Shard && e.RowEvent.Keyspace == _keyspace, e, "ROW keyspace/shard differ from the event's");
                if (!_fieldCounts.TryGetValue((e.Shard, e.RowEvent.TableName), out var columns))
                    Fail(e, $"ROW of {e.RowEvent.TableName} before any FIELD for it on {e.Shard}");
                foreach (var change in e.RowEvent.RowChanges)
                {
                    Expect(change.Before is null || change.Before.Lengths.Count == columns, e, "ROW before-image column count differs from its FIELD");
                    Expect(change.After is null || change.After.Lengths.Count == columns, e, "ROW after-image column count differs from its FIELD");
                    _open!.RowCount++;
                    if (KeepRows)
                    {
                        _open.Changes.Add(new RowChangeText(
                            Bare(e.RowEvent.TableName),
                            change.Before is null ? null : Rows.Decode(change.Before),
                            change.After is null ? null : Rows.Decode(change.After)));
                    }
                }
                RowObserver?.Invoke(e);
                break;
            case VEventType.Vgtid:
                CheckVector(e);
                if (_open is not null)
                {
                    Expect(_open.Shard == e.Shard, e, $"VGTID of {e.Shard} inside a transaction of {_open.Shard}");
                    _open.Vgtid = e.Vgtid;
                    _open.Vgtids++;
                }
                else
                {
                    Expect(_loneVgtid is null, e, "two lone VGTIDs in a row");
                    _loneVgtid = e;
                }
                break;
            case VEventType.Commit:
                RequireOpen(e);
                if (_open!.Vgtid is null)
                    Fail(e, "COMMIT without a VGTID in its transaction");
                if (!_open.Copy && _open.Vgtids != 1)
                    Fail(e, $"a streamed transaction carried {_open.Vgtids} VGTIDs (expected exactly one)");
                Complete(e, _open.Shard, _open.Vgtid!, _open.Changes, _open.RowCount, _open.Copy, _open.FirstResponse);
                _open = null;
                break;
            case VEventType.Other or VEventType.Ddl:
                Expect(_open is null, e, $"{e.Type} inside a transaction");
                if (_loneVgtid is null)
                    Fail(e, $"{e.Type} without a VGTID before it");
                Expect(_loneVgtid!.Shard == e.Shard, e, $"{e.Type} of {e.Shard} after a VGTID of {_loneVgtid.Shard}");
                Complete(e, e.Shard, _loneVgtid.Vgtid, [], 0, copy: false, _responses);
                _loneVgtid = null;
                break;
            case VEventType.Insert or VEventType.Update or VEventType.Delete or VEventType.Replace:
                // A statement logged in STATEMENT format, carrying its SQL (vstream-spec: statement-based DML).
                RequireOpen(e);
                Expect(e.Dml.Length > 0, e, $"{e.Type} without its statement (dml)");
                Expect(e.Shard == _open!.Shard, e, $"{e.Type} of {e.Shard} inside a transaction of {_open.Shard}");
                _open.Statements++;
                break;
            case VEventType.Heartbeat:
                Expect(e.Keyspace.Length == 0 && e.Shard.Length == 0, e, "a gateway HEARTBEAT carries a keyspace/shard");
                Heartbeats++;
                break;
            case VEventType.CopyCompleted:
                Expect(_open is null, e, "COPY_COMPLETED inside a transaction");
                if (e.Shard.Length == 0)
                {
                    Expect(_copyCompleted.Count == _order.Count, e, $"global COPY_COMPLETED after only {_copyCompleted.Count} of {_order.Count} shards");
                    CopyCompleted = true;
                }
                else
                {
                    Expect(_copyCompleted.Add(e.Shard), e, $"a second COPY_COMPLETED for {e.Shard}");
                }
                break;
            default:
                Fail(e, $"unexpected event type {e.Type}");
                break;
        }
    }

    /// <summary>Forgets a transaction cut short by the client stopping mid-way (it will be sent again on resume).</summary>
    public void AbandonOpenTransaction()
    {
        _open = null;
        _loneVgtid = null;
    }

    private void Complete(VEvent e, string shard, VGtid vgtid, List<RowChangeText> changes, long rowCount, bool copy, int firstResponse)
    {
        var position = vgtid.ShardGtids.Single(s => s.Shard == shard).Gtid;
        Transactions.Add(new StreamedTransaction(shard, e.Type, vgtid, position, changes, rowCount, copy, _responses - firstResponse + 1));
        ResumeVgtid = vgtid;
    }

    private void CheckVector(VEvent e)
    {
        Expect(e.Keyspace == _keyspace && _order.Contains(e.Shard), e, $"VGTID from unexpected shard '{e.Keyspace}/{e.Shard}'");
        var entries = e.Vgtid.ShardGtids;
        Expect(entries.Select(s => s.Keyspace + "/" + s.Shard).SequenceEqual(_order.Select(s => _keyspace + "/" + s)), e,
            $"VGTID vector [{string.Join(", ", entries.Select(s => s.Keyspace + "/" + s.Shard))}] is not the full vector [{string.Join(", ", _order)}]");
        foreach (var entry in entries)
        {
            var before = _known[entry.Shard];
            if (entry.Shard != e.Shard)
            {
                Expect(entry.Equals(before), e, $"VGTID entry of {entry.Shard} is {entry} but the last VGTID said {before}");
                continue;
            }
            if (Positions.Sequence(before.Gtid) is { } old && Positions.Sequence(entry.Gtid) is { } now)
                Expect(now >= old, e, $"{entry.Shard} went back from {before.Gtid} to {entry.Gtid}");
            _known[entry.Shard] = entry.Clone();
        }
    }

    private static string Bare(string table) => table.Contains('.', StringComparison.Ordinal) ? table[(table.IndexOf('.', StringComparison.Ordinal) + 1)..] : table;

    private void RequireShard(VEvent e) => Expect(e.Keyspace == _keyspace && _order.Contains(e.Shard), e, $"event from unexpected shard '{e.Keyspace}/{e.Shard}'");

    private void RequireOpen(VEvent e)
    {
        if (_open is null)
            Fail(e, $"{e.Type} outside a transaction");
        Expect(_open!.Shard == e.Shard, e, $"{e.Type} of {e.Shard} interleaved into a transaction of {_open.Shard}");
    }

    private void Expect(bool condition, VEvent e, string message)
    {
        if (!condition)
            Fail(e, message);
    }

    private void Fail(VEvent e, string message) =>
        throw new Xunit.Sdk.XunitException($"stream event #{_events} ({e.Type} {e.Keyspace}/{e.Shard}): {message}");

    private sealed class Open(string shard, bool copy, int firstResponse)
    {
        public string Shard { get; } = shard;

        public bool Copy { get; } = copy;

        public int FirstResponse { get; } = firstResponse;

        public List<RowChangeText> Changes { get; } = [];

        public long RowCount { get; set; }

        /// <summary>Statement-format DML events (INSERT/UPDATE/DELETE/REPLACE with <c>dml</c>).</summary>
        public int Statements { get; set; }

        public VGtid? Vgtid { get; set; }

        public int Vgtids { get; set; }
    }
}
