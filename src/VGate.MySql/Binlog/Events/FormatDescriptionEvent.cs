using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// FORMAT_DESCRIPTION_EVENT (15): the first event of every binlog file (and of every dump stream). It names the
/// server version, the header length and the post-header length of every event type, and — for servers that
/// support checksums (MySQL 5.6.1+, MariaDB 5.3+) — the checksum algorithm of the events that follow.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html#sect_protocol_replication_event_format_desc
/// and https://mariadb.com/kb/en/format_description_event/
/// </summary>
public sealed class FormatDescriptionEvent : BinlogEvent
{
    private const int ServerVersionLength = 50;
    private readonly byte[] _postHeaderLengths;

    private FormatDescriptionEvent(EventHeader header, ushort binlogVersion, string serverVersion, uint createTimestamp,
        byte headerLength, byte[] postHeaderLengths, ChecksumAlgorithm checksumAlgorithm, bool hasChecksumAlgorithm)
        : base(header)
    {
        BinlogVersion = binlogVersion;
        ServerVersion = serverVersion;
        CreateTimestamp = createTimestamp;
        HeaderLength = headerLength;
        _postHeaderLengths = postHeaderLengths;
        ChecksumAlgorithm = checksumAlgorithm;
        HasChecksumAlgorithm = hasChecksumAlgorithm;
        IsMariaDb = serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Binlog format version (4 for every server since MySQL 5.0).</summary>
    public ushort BinlogVersion { get; }

    /// <summary>The server version string, e.g. <c>8.0.31</c> or <c>10.11.6-MariaDB-log</c>.</summary>
    public string ServerVersion { get; }

    /// <summary>Seconds since the Unix epoch when the binlog file was created (0 when it was not closed cleanly).</summary>
    public uint CreateTimestamp { get; }

    /// <summary>Length of the common event header (19 for v4).</summary>
    public byte HeaderLength { get; }

    /// <summary>Post-header length of each event type; index <c>type - 1</c>.</summary>
    public ReadOnlySpan<byte> PostHeaderLengths => _postHeaderLengths;

    /// <summary>The checksum algorithm of the events that follow (<see cref="ChecksumAlgorithm.None"/> for old servers).</summary>
    public ChecksumAlgorithm ChecksumAlgorithm { get; }

    /// <summary>True when the event carried a checksum-algorithm byte (and therefore always 4 checksum bytes).</summary>
    public bool HasChecksumAlgorithm { get; }

    /// <summary>True when <see cref="ServerVersion"/> names MariaDB.</summary>
    public bool IsMariaDb { get; }

    /// <summary>
    /// The post-header length the writer declared for <paramref name="type"/>, or <c>null</c> when the table does not
    /// cover the type.
    /// </summary>
    public int? GetPostHeaderLength(EventType type)
    {
        var index = (int)type - 1;
        return index >= 0 && index < _postHeaderLengths.Length ? _postHeaderLengths[index] : null;
    }

    /// <summary>
    /// Reads the checksum algorithm of a FORMAT_DESCRIPTION event from its body (everything after the common header,
    /// checksum included), or <c>null</c> when the writer predates checksums.
    /// </summary>
    internal static ChecksumAlgorithm? PeekChecksumAlgorithm(ReadOnlySpan<byte> bodyWithChecksum)
    {
        var reader = new PacketReader(bodyWithChecksum);
        reader.Skip(2);
        var version = ReadServerVersion(reader.ReadBytes(ServerVersionLength));
        if (!BinlogFlavorRules.FormatDescriptionHasChecksumAlgorithm(version))
            return null;

        // ... post-header lengths, checksum-algorithm byte, 4 checksum bytes.
        const int minimum = 2 + ServerVersionLength + 4 + 1 + 1 + 4;
        if (bodyWithChecksum.Length < minimum)
            throw BinlogFormatException.CreateForShortBuffer(0, minimum, bodyWithChecksum.Length);
        return (ChecksumAlgorithm)bodyWithChecksum[^5];
    }

    /// <summary>Parses the event body (after the common header, checksum included when the writer has one).</summary>
    internal static FormatDescriptionEvent Parse(EventHeader header, ReadOnlySpan<byte> bodyWithChecksum)
    {
        var reader = new PacketReader(bodyWithChecksum);
        var binlogVersion = reader.ReadUInt16();
        var serverVersion = ReadServerVersion(reader.ReadBytes(ServerVersionLength));
        var createTimestamp = reader.ReadUInt32();
        var headerLength = reader.ReadByte();
        if (headerLength < EventHeader.Size)
            throw BinlogFormatException.Create($"FORMAT_DESCRIPTION declares a header length of {headerLength}, less than {EventHeader.Size}", reader.Offset - 1);

        var hasAlgorithm = BinlogFlavorRules.FormatDescriptionHasChecksumAlgorithm(serverVersion);
        var trailer = hasAlgorithm ? 5 : 0;
        if (reader.Remaining < trailer)
            throw BinlogFormatException.CreateForShortBuffer(reader.Offset, trailer, reader.Remaining);
        var postHeaderLengths = reader.ReadBytes(reader.Remaining - trailer).ToArray();
        var algorithm = ChecksumAlgorithm.None;
        if (hasAlgorithm)
        {
            algorithm = (ChecksumAlgorithm)reader.ReadByte();
            if (algorithm == ChecksumAlgorithm.Undefined)
                algorithm = ChecksumAlgorithm.None;
            else if (algorithm is not (ChecksumAlgorithm.None or ChecksumAlgorithm.Crc32))
                throw BinlogFormatException.Create($"Unknown binlog checksum algorithm {(byte)algorithm}", reader.Offset - 1);
        }

        return new FormatDescriptionEvent(header, binlogVersion, serverVersion, createTimestamp, headerLength,
            postHeaderLengths, algorithm, hasAlgorithm);
    }

    private static string ReadServerVersion(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
