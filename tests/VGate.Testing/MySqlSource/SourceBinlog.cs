using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace VGate.Testing.MySqlSource;

/// <summary>One transaction (event group) of the served binlog: its GTID and the events, header and checksum included.</summary>
/// <param name="Uuid">The GTID's source UUID, or null for ANONYMOUS_GTID groups (never skipped).</param>
/// <param name="Tag">The GTID's tag (GTID_TAGGED_LOG_EVENT, MySQL 8.4+), empty for an untagged GTID.</param>
/// <param name="Gno">The GTID's number (0 when <paramref name="Uuid"/> is null).</param>
/// <param name="Events">The events as they are sent.</param>
/// <param name="Recorded">True for a transaction from the recorded file, false for one a test appended.</param>
public sealed record SourceTransaction(string? Uuid, string Tag, long Gno, IReadOnlyList<byte[]> Events, bool Recorded)
{
    /// <summary>The GTID as MySQL prints it (<c>uuid:gno</c>, <c>uuid:tag:gno</c>), or null for an anonymous group.</summary>
    public string? Gtid => Uuid is null ? null : Tag.Length == 0 ? $"{Uuid}:{Gno}" : $"{Uuid}:{Tag}:{Gno}";

    /// <summary>The event type of each event, in order.</summary>
    public IEnumerable<byte> EventTypes => Events.Select(e => e[4]);
}

/// <summary>
/// A recorded MySQL binlog file split into what the test source serves: the FORMAT_DESCRIPTION, the events before the
/// first transaction (PREVIOUS_GTIDS) and the transactions. A ROTATE or STOP at the end of the file is dropped: the
/// source serves the file as its current, open binlog, to which tests append transactions.
/// </summary>
internal sealed class SourceBinlog
{
    public const int HeaderSize = 19;
    public const byte FormatDescriptionType = 15;
    public const byte PreviousGtidsType = 35;
    public const byte GtidType = 33;
    public const byte AnonymousGtidType = 34;
    public const byte GtidTaggedType = 42;
    public const byte RotateType = 4;
    public const byte StopType = 3;
    public const byte HeartbeatType = 27;
    public const ushort ArtificialFlag = 0x20;
    private const ushort BinlogInUseFlag = 0x01;
    private static readonly byte[] Magic = [0xFE, (byte)'b', (byte)'i', (byte)'n'];

    private readonly List<SourceTransaction> _transactions = [];
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SourceBinlog(string fileName, byte[] formatDescription, List<byte[]> preamble, SourceGtidSet previousGtids, bool crc32, uint serverId, ulong endPosition)
    {
        FileName = fileName;
        FormatDescription = formatDescription;
        Preamble = preamble;
        PreviousGtids = previousGtids;
        Crc32Enabled = crc32;
        ServerId = serverId;
        EndPosition = endPosition;
    }

    public string FileName { get; }

    /// <summary>The file's FORMAT_DESCRIPTION as sent: LOG_EVENT_BINLOG_IN_USE_F cleared, as MySQL's binlog sender does.</summary>
    public byte[] FormatDescription { get; }

    /// <summary>The events between the FORMAT_DESCRIPTION and the first transaction (PREVIOUS_GTIDS).</summary>
    public IReadOnlyList<byte[]> Preamble { get; }

    public SourceGtidSet PreviousGtids { get; }

    public bool Crc32Enabled { get; }

    public uint ServerId { get; }

    /// <summary>The offset after the last event (where an appended transaction goes).</summary>
    public ulong EndPosition { get; private set; }

    public string ServerVersion => Encoding.ASCII.GetString(FormatDescription, HeaderSize + 2, 50).TrimEnd('\0');

    public static SourceBinlog Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a binlog file (no magic bytes).");
        var events = new List<byte[]>();
        for (var offset = 4; offset < bytes.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9));
            if (size < HeaderSize || offset + size > bytes.Length)
                throw new InvalidDataException($"{path}: event at {offset} has an impossible size {size}.");
            events.Add(bytes.AsSpan(offset, size).ToArray());
            offset += size;
        }
        if (events.Count == 0 || events[0][4] != FormatDescriptionType)
            throw new InvalidDataException($"{path}: the first event is not a FORMAT_DESCRIPTION.");

        var fde = events[0];
        // The checksum algorithm byte comes right before the FDE's own 4-byte checksum (if any); see binlog_event.h.
        var crc32 = fde[^5] == 1;
        fde[17] = (byte)(fde[17] & ~BinlogInUseFlag);
        while (events.Count > 1 && events[^1][4] is RotateType or StopType)
            events.RemoveAt(events.Count - 1);

        var preamble = new List<byte[]>();
        var previous = new SourceGtidSet();
        var index = 1;
        for (; index < events.Count && !IsGroupStart(events[index][4]); index++)
        {
            if (events[index][4] == PreviousGtidsType)
                previous = SourceGtidSet.DecodeBinary(events[index].AsSpan(HeaderSize, events[index].Length - HeaderSize - (crc32 ? 4 : 0)));
            preamble.Add(events[index]);
        }

        var serverId = BinaryPrimitives.ReadUInt32LittleEndian(fde.AsSpan(5));
        var binlog = new SourceBinlog(Path.GetFileName(path), fde, preamble, previous, crc32, serverId, (ulong)bytes.Length);
        List<byte[]>? current = null;
        for (; index < events.Count; index++)
        {
            if (IsGroupStart(events[index][4]))
            {
                if (current is not null)
                    binlog._transactions.Add(CreateTransaction(current, recorded: true));
                current = [];
            }
            current!.Add(events[index]);
        }
        if (current is not null)
            binlog._transactions.Add(CreateTransaction(current, recorded: true));
        binlog.EndPosition = BinaryPrimitives.ReadUInt32LittleEndian(events[^1].AsSpan(13));
        return binlog;
    }

    /// <summary>A snapshot of the transactions (recorded, then appended).</summary>
    public IReadOnlyList<SourceTransaction> Transactions
    {
        get
        {
            lock (_lock)
                return [.. _transactions];
        }
    }

    /// <summary>Completes when a transaction is appended after this call.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
                return _changed.Task;
        }
    }

    /// <summary>Every GTID the binlog holds or held: PREVIOUS_GTIDS plus each transaction's GTID.</summary>
    public SourceGtidSet Executed()
    {
        var set = PreviousGtids.Clone();
        foreach (var transaction in Transactions)
        {
            if (transaction.Uuid is { } uuid)
                set.Add(uuid, transaction.Tag, transaction.Gno);
        }
        return set;
    }

    /// <summary>
    /// Appends a copy of transaction <paramref name="templateIndex"/> under the GTID <paramref name="uuid"/>:<paramref name="gno"/>:
    /// the GTID event's SID and GNO are rewritten, every event's end position (log_pos) is moved to the end of the binlog,
    /// and checksums are recomputed (only the bytes that changed make that necessary).
    /// </summary>
    public SourceTransaction Append(int templateIndex, string uuid, long gno)
    {
        lock (_lock)
        {
            var template = _transactions[templateIndex];
            if (template.Events[0][4] != GtidType)
                throw new InvalidOperationException($"Transaction {templateIndex} has no GTID_LOG_EVENT to rewrite (type {template.Events[0][4]}).");
            var events = new List<byte[]>(template.Events.Count);
            var position = EndPosition;
            foreach (var original in template.Events)
            {
                var copy = (byte[])original.Clone();
                if (copy[4] == GtidType)
                {
                    Guid.Parse(uuid).TryWriteBytes(copy.AsSpan(HeaderSize + 1, 16), bigEndian: true, out _);
                    BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(HeaderSize + 17), gno);
                }
                position += (ulong)copy.Length;
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(13), checked((uint)position));
                if (Crc32Enabled)
                    BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), Crc32.HashToUInt32(copy.AsSpan(0, copy.Length - 4)));
                events.Add(copy);
            }
            var transaction = new SourceTransaction(uuid, "", gno, events, Recorded: false);
            _transactions.Add(transaction);
            EndPosition = position;
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.SetResult();
            return transaction;
        }
    }

    /// <summary>An artificial event (ROTATE at the start of a dump, HEARTBEAT): log_pos as given, LOG_EVENT_ARTIFICIAL_F set.</summary>
    public byte[] Artificial(byte type, ReadOnlySpan<byte> body, ulong logPosition)
    {
        var length = HeaderSize + body.Length + (Crc32Enabled ? 4 : 0);
        var bytes = new byte[length];
        bytes[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), ServerId);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(13), checked((uint)logPosition));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(17), ArtificialFlag);
        body.CopyTo(bytes.AsSpan(HeaderSize));
        if (Crc32Enabled)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, length - 4)));
        return bytes;
    }

    private static bool IsGroupStart(byte type) => type is GtidType or AnonymousGtidType or GtidTaggedType;

    private static SourceTransaction CreateTransaction(List<byte[]> events, bool recorded)
    {
        var first = events[0];
        if (first[4] == GtidTaggedType)
            return CreateTaggedTransaction(events, recorded);
        if (first[4] != GtidType)
            return new SourceTransaction(null, "", 0, events, recorded);
        var uuid = new Guid(first.AsSpan(HeaderSize + 1, 16), bigEndian: true).ToString("D");
        var gno = BinaryPrimitives.ReadInt64LittleEndian(first.AsSpan(HeaderSize + 17));
        return new SourceTransaction(uuid, "", gno, events, recorded);
    }

    /// <summary>
    /// GTID_TAGGED_LOG_EVENT (MySQL 8.4+): a message of MySQL's serialization library — format version, message size,
    /// last non-ignorable field id, then (field id, value) pairs: 0 flags, 1 the UUID as 16 varlen bytes, 2 the GNO
    /// (varlen, zig-zag signed), 3 the tag (varlen length + characters); the later fields are not needed here.
    /// </summary>
    private static SourceTransaction CreateTaggedTransaction(List<byte[]> events, bool recorded)
    {
        var body = events[0].AsSpan(HeaderSize);
        var offset = 0;
        SourceGtidSet.ReadVarlen(body, ref offset); // format version
        SourceGtidSet.ReadVarlen(body, ref offset); // message size
        SourceGtidSet.ReadVarlen(body, ref offset); // last non-ignorable field
        Span<byte> uuidBytes = stackalloc byte[16];
        long gno = 0;
        var tag = "";
        var found = 0;
        while (found < 3)
        {
            var field = SourceGtidSet.ReadVarlen(body, ref offset);
            switch (field)
            {
                case 0:
                    SourceGtidSet.ReadVarlen(body, ref offset);
                    break;
                case 1:
                    for (var i = 0; i < 16; i++)
                        uuidBytes[i] = checked((byte)SourceGtidSet.ReadVarlen(body, ref offset));
                    found++;
                    break;
                case 2:
                    var zigzag = SourceGtidSet.ReadVarlen(body, ref offset);
                    gno = (zigzag & 1) == 0 ? (long)(zigzag >> 1) : -(long)(zigzag >> 1) - 1;
                    found++;
                    break;
                case 3:
                    var length = (int)SourceGtidSet.ReadVarlen(body, ref offset);
                    tag = Encoding.ASCII.GetString(body.Slice(offset, length));
                    offset += length;
                    found++;
                    break;
                default:
                    throw new InvalidDataException($"GTID_TAGGED_LOG_EVENT field {field} before the UUID, GNO and tag.");
            }
        }
        return new SourceTransaction(new Guid(uuidBytes, bigEndian: true).ToString("D"), tag, gno, events, recorded);
    }
}
