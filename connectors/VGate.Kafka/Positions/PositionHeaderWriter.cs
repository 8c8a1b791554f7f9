using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;
using VGate.Kafka.Events;
using VGate.Kafka.Producing;

namespace VGate.Kafka.Positions;

/// <summary>
/// Writes the <see cref="PositionHeaders.Position"/> header of each record into reused memory: the JSON up to the
/// index (connector, keyspace, shard, GTID) is encoded once per source transaction, the rest is appended per record,
/// and the value goes into a reused exact-length array (<see cref="ExactLengthArrays"/>) inside one reused header and
/// header list. This is safe because Confluent.Kafka hands headers to librdkafka, which copies them, during the
/// produce call. Not thread-safe: one per sink.
/// </summary>
internal sealed class PositionHeaderWriter
{
    private static readonly JsonEncoderSettings Escaping = new(JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    private static readonly byte[][] KindTails = BuildKindTails();
    private static readonly byte[] EndCopy = ",\"copy\":true}"u8.ToArray();
    private readonly byte[] _connectorPart;
    private readonly ExactLengthArrays _arrays = new();
    private readonly MutableHeader _header = new();
    private byte[] _prefix = [];
    private byte[] _scratch = new byte[256];
    private string? _keyspace;
    private string? _shard;
    private string? _gtid;

    public PositionHeaderWriter(string connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        _connectorPart = [.. "{\"connector\":\""u8, .. Escaping.Encode(connector), .. "\",\"keyspace\":\""u8];
        Single = [_header];
    }

    /// <summary>The header list holding only the header of the last <see cref="Write"/>.</summary>
    public Headers Single { get; }

    /// <summary>The position header of one record, valid until the next call.</summary>
    public IHeader Write(RecordPosition position, bool copy)
    {
        var prefix = Prefix(position);
        var tail = (uint)position.Kind < (uint)KindTails.Length ? KindTails[(int)position.Kind] : KindTail(position.Kind);
        var needed = prefix.Length + 11 + tail.Length + EndCopy.Length;
        if (_scratch.Length < needed)
            _scratch = new byte[Math.Max(needed, _scratch.Length * 2)];
        var span = _scratch.AsSpan();
        prefix.CopyTo(span);
        var length = prefix.Length;
        Utf8Formatter.TryFormat(position.Index, span[length..], out var digits);
        length += digits;
        tail.CopyTo(span[length..]);
        length += tail.Length;
        if (copy)
        {
            EndCopy.CopyTo(span[length..]);
            length += EndCopy.Length;
        }
        else
        {
            span[length++] = (byte)'}';
        }
        _header.Value = _arrays.Fill(span[..length]);
        return _header;
    }

    /// <summary><c>{"connector":…,"keyspace":…,"shard":…,"gtid":…,"index":</c>; consecutive records of one transaction share it.</summary>
    private byte[] Prefix(RecordPosition position)
    {
        if (Same(position.Keyspace, _keyspace) && Same(position.Shard, _shard) && Same(position.Gtid, _gtid))
            return _prefix;
        _keyspace = position.Keyspace;
        _shard = position.Shard;
        _gtid = position.Gtid;
        _prefix = [.. _connectorPart, .. Escaping.Encode(position.Keyspace), .. "\",\"shard\":\""u8, .. Escaping.Encode(position.Shard),
            .. "\",\"gtid\":\""u8, .. Escaping.Encode(position.Gtid), .. "\",\"index\":"u8];
        return _prefix;
    }

    private static bool Same(string value, string? last) => ReferenceEquals(value, last) || value == last;

    private static byte[][] BuildKindTails()
    {
        var kinds = Enum.GetValues<RecordKind>();
        var tails = new byte[kinds.Max(k => (int)k) + 1][];
        for (var i = 0; i < tails.Length; i++)
            tails[i] = KindTail((RecordKind)i);
        return tails;
    }

    private static byte[] KindTail(RecordKind kind) => [.. ",\"kind\":\""u8, .. Escaping.Encode(PositionHeaders.KindName(kind)), .. "\""u8];

    /// <summary>JSON string escaping without the quotes.</summary>
    private sealed class JsonEncoderSettings(JavaScriptEncoder encoder)
    {
        public byte[] Encode(string text) => JsonEncodedText.Encode(text, encoder).EncodedUtf8Bytes.ToArray();
    }

    /// <summary>A header whose value is replaced for each record (Confluent.Kafka's <see cref="Header"/> is immutable).</summary>
    private sealed class MutableHeader : IHeader
    {
        public byte[] Value { get; set; } = [];

        public string Key => PositionHeaders.Position;

        public byte[] GetValueBytes() => Value;
    }
}
