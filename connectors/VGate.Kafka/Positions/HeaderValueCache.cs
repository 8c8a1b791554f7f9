using System.Globalization;
using System.Text;
using Confluent.Kafka;
using VGate.Kafka.Events;

namespace VGate.Kafka.Positions;

/// <summary>
/// The <see cref="Header"/> objects of position header values that repeat from record to record (connector,
/// keyspaces, shards, kinds, the GTID of the current transaction, small record indexes), so producing a record neither
/// encodes the same strings again nor allocates a header object per value. Headers are immutable and librdkafka
/// copies them when a record is produced, so one object can go on any number of records. Not thread-safe: one per
/// sink.
/// </summary>
internal sealed class HeaderValueCache
{
    private const int MaxEntries = 1024;
    private const int MaxCachedIndex = 1 << 16;
    private readonly Dictionary<(string Name, string Value), Header> _values = [];
    private readonly Header?[] _kinds = new Header?[8];
    private Header?[] _indexes = new Header?[256];
    private string? _lastGtid;
    private Header? _lastGtidHeader;
    private string? _lastKeyspace;
    private Header? _lastKeyspaceHeader;
    private string? _lastShard;
    private Header? _lastShardHeader;

    public HeaderValueCache(string connector)
    {
        Connector = new Header(PositionHeaders.Connector, Encoding.UTF8.GetBytes(connector));
    }

    /// <summary>The <c>vgate.connector</c> header.</summary>
    public Header Connector { get; }

    /// <summary>The <c>vgate.kind</c> header.</summary>
    public Header Kind(RecordKind kind)
    {
        var slot = (int)kind;
        if ((uint)slot >= (uint)_kinds.Length)
            return Get(PositionHeaders.Kind, PositionHeaders.KindName(kind));
        return _kinds[slot] ??= Get(PositionHeaders.Kind, PositionHeaders.KindName(kind));
    }

    /// <summary>The header <paramref name="name"/> = <paramref name="value"/> for a low-cardinality value.</summary>
    public Header Get(string name, string value)
    {
        if (_values.TryGetValue((name, value), out var header))
            return header;
        header = new Header(name, Encoding.UTF8.GetBytes(value));
        if (_values.Count < MaxEntries)
            _values[(name, value)] = header;
        return header;
    }

    /// <summary>The <c>vgate.keyspace</c> header; consecutive records of one transaction share it.</summary>
    public Header Keyspace(string keyspace)
    {
        if (!ReferenceEquals(keyspace, _lastKeyspace) && keyspace != _lastKeyspace)
        {
            _lastKeyspace = keyspace;
            _lastKeyspaceHeader = Get(PositionHeaders.Keyspace, keyspace);
        }
        return _lastKeyspaceHeader!;
    }

    /// <summary>The <c>vgate.shard</c> header; consecutive records of one transaction share it.</summary>
    public Header Shard(string shard)
    {
        if (!ReferenceEquals(shard, _lastShard) && shard != _lastShard)
        {
            _lastShard = shard;
            _lastShardHeader = Get(PositionHeaders.Shard, shard);
        }
        return _lastShardHeader!;
    }

    /// <summary>The <c>vgate.gtid</c> header; consecutive records of one transaction share it.</summary>
    public Header Gtid(string gtid)
    {
        if (!ReferenceEquals(gtid, _lastGtid) && gtid != _lastGtid)
        {
            _lastGtid = gtid;
            _lastGtidHeader = new Header(PositionHeaders.Gtid, Encoding.UTF8.GetBytes(gtid));
        }
        return _lastGtidHeader!;
    }

    /// <summary>The <c>vgate.index</c> header; indexes below 65,536 are made once.</summary>
    public Header Index(int index)
    {
        if ((uint)index >= MaxCachedIndex)
            return NewIndex(index);
        if (index >= _indexes.Length)
            Array.Resize(ref _indexes, Math.Min(MaxCachedIndex, Math.Max(index + 1, _indexes.Length * 2)));
        return _indexes[index] ??= NewIndex(index);
    }

    private static Header NewIndex(int index) =>
        new(PositionHeaders.Index, Encoding.ASCII.GetBytes(index.ToString(CultureInfo.InvariantCulture)));
}
