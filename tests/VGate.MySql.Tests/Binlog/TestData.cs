using System.Buffers.Binary;
using System.IO.Hashing;
using VGate.MySql.Binlog;

namespace VGate.MySql.Tests.Binlog;

/// <summary>
/// Helpers for the binlog parser tests: paths of the captured files copied next to the test assembly
/// (tests/TestData, see PROVENANCE.md and mariadb/README.md) and a small builder for synthetic events
/// (header + body + optional CRC32), in the spirit of Vitess's binlog_event_make.go.
/// </summary>
internal static class TestData
{
    public static string PathOf(string relative) =>
        Path.Combine(AppContext.BaseDirectory, "TestData", relative.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>Runs <paramref name="visit"/> on every event of a binlog file (events are valid only inside the callback).</summary>
    public static BinlogEventParser ForEachEvent(string relative, Action<BinlogEvent> visit, BinlogEventParser? parser = null)
    {
        using var reader = BinlogFileReader.Open(PathOf(relative), parser);
        foreach (var ev in reader.ReadEvents())
            visit(ev);
        return reader.Parser;
    }

    /// <summary>Builds one event: 19-byte header, body, and a CRC32 when <paramref name="crc"/> is set.</summary>
    public static byte[] BuildEvent(EventType type, ReadOnlySpan<byte> body, bool crc, uint nextPosition = 1000, ushort flags = 0, uint timestamp = 1_700_000_000)
    {
        var length = EventHeader.Size + body.Length + (crc ? 4 : 0);
        var bytes = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, timestamp);
        bytes[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(13), nextPosition);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(17), flags);
        body.CopyTo(bytes.AsSpan(EventHeader.Size));
        if (crc)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, length - 4)));
        return bytes;
    }

    /// <summary>
    /// For an event whose CRC was stripped by whoever recorded it (its header length is 4 more than the bytes), appends a
    /// valid CRC32 so it can go through the normal checksum path; events that still carry theirs are returned as is.
    /// </summary>
    public static byte[] RestoreCrc(byte[] eventBytes)
    {
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(eventBytes.AsSpan(9));
        if (declared == eventBytes.Length)
            return eventBytes;
        if (declared != eventBytes.Length + 4)
            throw new ArgumentException($"Header says {declared} bytes for a {eventBytes.Length}-byte event");
        var withCrc = new byte[declared];
        eventBytes.CopyTo(withCrc, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(withCrc.AsSpan(withCrc.Length - 4), Crc32.HashToUInt32(eventBytes));
        return withCrc;
    }

    /// <summary>For an event whose CRC was stripped, rewrites the header length to the bytes given (no checksum).</summary>
    public static byte[] WithoutCrcLength(byte[] eventBytes)
    {
        var copy = (byte[])eventBytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(9), (uint)copy.Length);
        return copy;
    }

    /// <summary>The parser state a MySQL 8.0.40 stream with CRC32 would have (a synthetic FORMAT_DESCRIPTION).</summary>
    public static BinlogEventParser MySql8Parser(ChecksumAlgorithm checksum = ChecksumAlgorithm.Crc32) =>
        ParserWith("8.0.40", checksum);

    /// <summary>A parser primed with a synthetic FORMAT_DESCRIPTION of the given server version.</summary>
    public static BinlogEventParser ParserWith(string serverVersion, ChecksumAlgorithm checksum, int maxEventSize = BinlogEventParser.DefaultMaxEventSize)
    {
        var parser = new BinlogEventParser(maxEventSize: maxEventSize);
        parser.Parse(FormatDescription(serverVersion, checksum));
        return parser;
    }

    /// <summary>A FORMAT_DESCRIPTION event body as MySQL 8.0 writes it (post-header lengths from 8.0.40).</summary>
    public static byte[] FormatDescription(string serverVersion, ChecksumAlgorithm checksum)
    {
        byte[] postHeaders = [0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0];
        var body = new List<byte> { 4, 0 };
        var version = new byte[50];
        System.Text.Encoding.ASCII.GetBytes(serverVersion).CopyTo(version, 0);
        body.AddRange(version);
        body.AddRange(new byte[] { 0, 0, 0, 0, 19 });
        body.AddRange(postHeaders);
        body.Add((byte)checksum);

        // A checksum-aware FORMAT_DESCRIPTION always ends with 4 checksum bytes.
        var ev = BuildEvent(EventType.FormatDescription, body.ToArray(), crc: true, nextPosition: 0);
        return ev;
    }
}
