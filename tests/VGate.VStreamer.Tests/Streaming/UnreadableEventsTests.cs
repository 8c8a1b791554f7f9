using System.Buffers.Binary;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.Testing.Network;
using VGate.VStreamer.Streaming;
using Vtrpc;

namespace VGate.VStreamer.Tests.Streaming;

/// <summary>
/// Which events end a shard stream (<see cref="UnreadableEvents.Check"/>), on events parsed from bytes in the servers'
/// layout (v4 header; bodies per the MySQL and MariaDB event documentation). The end-to-end tests
/// (VGate.EndToEnd.Tests/Faults/UnreadableEventTests) run the same rules on real mariadbd streams.
/// </summary>
public sealed class UnreadableEventsTests
{
    private static readonly BinlogFilePosition Where = new("binlog.000007", 1234);
    private static readonly ReplicationPosition Resumable = ReplicationPosition.Parse("MariaDB/0-1-41");

    [Fact]
    public void Check_Incident_InternalNamingShardEventAndPositions()
    {
        byte[] body = [1, 0, 11, .. "lost events"u8];
        var error = Check(Parse(BinlogEventBytes.Event(1, (byte)EventType.Incident, 1, 2000, 0, body, checksum: false)));

        Assert.NotNull(error);
        Assert.Equal(Code.Internal, error.Code);
        Assert.StartsWith("ks/-80: the source's binlog has an INCIDENT event (LOST_EVENTS \"lost events\") at binlog.000007:1234 after position 'MariaDB/0-1-41'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownTypeNotIgnorable_Internal()
    {
        var error = Check(Parse(BinlogEventBytes.Event(1, 200, 1, 2000, 0, new byte[8], checksum: false)));

        Assert.NotNull(error);
        Assert.Equal(Code.Internal, error.Code);
        Assert.Contains("unknown binlog event type 200 (27 bytes, not marked ignorable) at binlog.000007:1234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownTypeIgnorable_Passes() =>
        Assert.Null(Check(Parse(BinlogEventBytes.Event(1, 200, 1, 2000, 0x0080, new byte[8], checksum: false))));

    [Theory]
    [InlineData(EventType.ViewChange)]
    [InlineData(EventType.TransactionContext)]
    [InlineData(EventType.MariaDbStartEncryption)]
    [InlineData(EventType.BeginLoadQuery)]
    public void Check_KnownTypeWithNothingToCapture_Passes(EventType type) =>
        Assert.Null(Check(Parse(BinlogEventBytes.Event(1, (byte)type, 1, 2000, 0, new byte[8], checksum: false))));

    /// <summary>
    /// A real MySQL 8.0 TRANSACTION_PAYLOAD (tests/TestData/mysql/vitess/large_compressed_trx_payload.bin, from Vitess's
    /// tests: 16 KB of zstd holding a WRITE_ROWS event of 165 MiB) read by a parser whose limit is 16 MiB: the parser
    /// streams past the inner event (<see cref="OversizedEvent"/>), and the stream must stop instead of losing its rows.
    /// </summary>
    [Fact]
    public void Check_InnerEventOverTheLimit_InternalNamingItsSizeAndTheLimit()
    {
        var bytes = File.ReadAllBytes(TestDataFile("mysql/vitess/large_compressed_trx_payload.bin"));
        // Vitess stored the event without its CRC32 but kept the length that counts it.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)bytes.Length);
        var parser = new BinlogEventParser(ChecksumAlgorithm.None, maxEventSize: 16 << 20);
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(bytes));

        // QUERY (BEGIN), TABLE_MAP, the oversized WRITE_ROWS, XID: only the third stops the stream.
        var verdicts = payload.ReadEvents().Select(inner => (Event: inner.GetType().Name, Error: Check(inner))).ToList();

        Assert.Equal(["QueryEvent", "TableMapEvent", "OversizedEvent", "XidEvent"], verdicts.Select(v => v.Event));
        Assert.Equal([false, false, true, false], verdicts.Select(v => v.Error is not null));
        var error = verdicts[2].Error!;
        Assert.Equal(Code.Internal, error.Code);
        Assert.Contains("a WriteRowsV2 event of 173120066 bytes inside a compressed transaction (TRANSACTION_PAYLOAD) at binlog.000007:1234 " +
            "after position 'MariaDB/0-1-41' is larger than the largest event VGate reads (16777216 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_ParserError_InternalNamingFileAndPosition()
    {
        var bytes = BinlogEventBytes.Event(1, (byte)EventType.Xid, 1, 2000, 0, new byte[8], checksum: false);
        bytes[9] += 10; // the header declares 10 bytes more than there are
        var parseError = Assert.Throws<VGate.MySql.BinlogFormatException>(() => new BinlogEventParser().Parse(bytes));

        var error = UnreadableEvents.Unreadable(parseError, "ks", "-80", "binlog.000007", Resumable);

        Assert.Equal(Code.Internal, error.Code);
        Assert.StartsWith("ks/-80: unreadable binlog data in binlog.000007 after position 'MariaDB/0-1-41': Xid event header declares 37 bytes but 27 were given", error.Message, StringComparison.Ordinal);
    }

    private static string TestDataFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "TestData", relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"tests/TestData/{relative} not found above {AppContext.BaseDirectory}");
    }

    private static BinlogEvent Parse(byte[] bytes) => new BinlogEventParser(ChecksumAlgorithm.None).Parse(bytes);

    private static VStreamException? Check(BinlogEvent binlogEvent) => UnreadableEvents.Check(binlogEvent, "ks", "-80", Where, Resumable);
}
