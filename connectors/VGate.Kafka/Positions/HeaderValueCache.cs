using System.Text;

namespace VGate.Kafka.Positions;

/// <summary>
/// UTF-8 bytes of header values that repeat from record to record (connector, keyspaces, shards, kinds, the GTID of the
/// current transaction), so producing a record does not encode the same strings again. Not thread-safe: one per sink.
/// </summary>
internal sealed class HeaderValueCache
{
    private const int MaxEntries = 1024;
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private string? _lastGtid;
    private byte[] _lastGtidBytes = [];

    public HeaderValueCache(string connector) => ConnectorBytes = Encoding.UTF8.GetBytes(connector);

    public byte[] ConnectorBytes { get; }

    /// <summary>Bytes of a low-cardinality value (keyspace, shard, kind).</summary>
    public byte[] Get(string value)
    {
        if (_values.TryGetValue(value, out var bytes))
            return bytes;
        bytes = Encoding.UTF8.GetBytes(value);
        if (_values.Count < MaxEntries)
            _values[value] = bytes;
        return bytes;
    }

    /// <summary>Bytes of a GTID; consecutive records of one transaction share them.</summary>
    public byte[] GetGtid(string gtid)
    {
        if (!ReferenceEquals(gtid, _lastGtid) && gtid != _lastGtid)
        {
            _lastGtid = gtid;
            _lastGtidBytes = Encoding.UTF8.GetBytes(gtid);
        }
        return _lastGtidBytes;
    }
}
