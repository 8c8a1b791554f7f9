using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Protocol;
using Xunit.Abstractions;

namespace VGate.MySql.Tests.Binlog;

/// <summary>
/// Issue 14 §5: mutated real events — bit flips, boundary bytes, truncations, inflated length fields, splices of other
/// events — from the captured MariaDB and MySQL binlogs in tests/TestData, with the header length and the CRC32 fixed
/// up so the mutation reaches the parser. Each case is parsed, every row image of a ROWS event is decoded cell by cell
/// (as <c>vgate binlog</c> does), every inner event of a TRANSACTION_PAYLOAD is read; the packet channel reads mutated
/// packet framings. Only <see cref="BinlogFormatException"/> (and, for the channel, <see cref="EndOfStreamException"/>)
/// may escape; no case may allocate more than <see cref="AllocationLimit"/> or loop more than <see cref="StepLimit"/>
/// times. The seed and iteration count are printed; <c>VGATE_FUZZ_SEED</c> and <c>VGATE_FUZZ_ITERATIONS</c> change
/// them (<c>bench/fuzz.sh</c> runs a long campaign).
/// </summary>
public sealed class BinlogFuzzTests(ITestOutputHelper output)
{
    /// <summary>Most bytes one case may allocate: far below the 1 GiB a declared length could ask for.</summary>
    private const long AllocationLimit = 64L * 1024 * 1024;

    /// <summary>Most events, rows and cells one case may visit; a parser that loops forever trips it.</summary>
    private const int StepLimit = 1_000_000;

    private const int DefaultSeed = 20261207;
    private const int DefaultIterations = 20_000;

    private static readonly string[] FixtureFiles =
    [
        "mariadb/mariadb-10.11-compressed.000002",
        "mariadb/mariadb-10.11-rows.000001",
        "mariadb/mariadb-10.11-stop.000003",
        "mariadb/mariadb-10.11-txn.000004",
        "mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32",
        "mysql/mysql-binlog-connector-java/mysql-bin.compressed",
        "mysql/mysql-binlog-connector-rust/mysql-bin.000057",
        "mysql/mysql-binlog-connector-rust/mysql-bin.000080",
        "mysql/rust_mysql_common/vector.binlog",
        "mysql/rust_mysql_common/transaction_compression.000001",
        "mysql/rust_mysql_common/binlog_transaction_with_GTID_TAG.000001",
        "mysql/rust_mysql_common/time_issue.000001",
        "mysql/rust_mysql_common/minimal_row_metadata.000001",
        "mysql/rust_mysql_common/mysql-enum-string-set.000001",
        "mysql/rust_mysql_common/master-bin.000001",
        "mysql/rust_mysql_common/binlog-invisible-columns.000001",
        "mysql/rust_mysql_common/rpl_unfiltered_hidden_gcol.000001",
        "mysql/rust_mysql_common/mysql_type_bit.000001",
        "mysql/rust_mysql_common/mariadb-bin.000001",
        "mysql/rust_mysql_common/json-opaque.binlog",
        "mysql/rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001",
        "mysql/rust_mysql_common/json.binlog.000001",
    ];

    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x7F, 0x80, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF];

    private static readonly ulong[] BoundaryLengths =
    [
        0, 1, 0x7F, 0xFF, 0x100, 0xFFFF, 0x1_0000, 0xFF_FFFF, 0x100_0000, 0x3FFF_FFFF, 0x4000_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, long.MaxValue, ulong.MaxValue,
    ];

    private static readonly Lazy<Corpus> SharedCorpus = new(Corpus.Load);

    [Fact]
    public void Corpus_EveryUnmutatedEvent_ParsesAndDecodes()
    {
        // The baseline: without mutation every case goes through, so the fuzz cases below start from valid events.
        var corpus = SharedCorpus.Value;
        var cases = 0;
        foreach (var file in corpus.Files)
        {
            for (var i = 0; i < file.Events.Count; i++)
            {
                var parser = file.ParserBefore(i);
                var steps = 0;
                Consume(parser.Parse(file.Events[i]), ref steps);
                cases++;
            }
        }

        output.WriteLine($"{corpus.Files.Count} files, {cases} events parsed and decoded");
        Assert.True(cases > 300, $"only {cases} events in the corpus");
    }

    [Fact]
    public void MutatedEvents_FixedSeed_OnlyFormatErrorsNoHangBoundedAllocation()
    {
        var seed = EnvironmentInt("VGATE_FUZZ_SEED", DefaultSeed);
        var iterations = EnvironmentInt("VGATE_FUZZ_ITERATIONS", DefaultIterations);
        output.WriteLine($"BinlogFuzzTests seed={seed.ToString(CultureInfo.InvariantCulture)} iterations={iterations.ToString(CultureInfo.InvariantCulture)} (set VGATE_FUZZ_SEED / VGATE_FUZZ_ITERATIONS to change)");
        var random = new Random(seed);
        var corpus = SharedCorpus.Value;
        var rejected = 0;
        var accepted = 0;
        long maxAllocated = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var file = corpus.Files[random.Next(corpus.Files.Count)];
            var index = random.Next(file.Events.Count);
            var parser = file.ParserBefore(index);
            var (mutated, mutation) = Mutate(random, file.Events[index], corpus, parser.Checksum == ChecksumAlgorithm.Crc32 || IsFormatDescriptionWithCrc(file.Events[index]));
            var what = $"seed {seed}, iteration {iteration}: {mutation} of event {index} of {file.Name}";
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var steps = 0;
                Consume(parser.Parse(mutated), ref steps);
                accepted++;
            }
            catch (BinlogFormatException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{what}: {ex.GetType().Name} escaped: {ex.Message}\n{Convert.ToHexString(mutated)}\n{ex}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(allocated < AllocationLimit, $"{what}: allocated {allocated} bytes, more than {AllocationLimit}");
        }

        output.WriteLine($"{iterations} cases: {rejected} rejected with BinlogFormatException, {accepted} accepted; most allocated by one case: {maxAllocated} bytes");
    }

    [Fact]
    public void MutatedFiles_FixedSeed_FileReaderOnlyFormatErrorsBoundedAllocation()
    {
        // Whole files through BinlogFileReader (the path of `vgate binlog FILE`): one mutated event per file, CRC fixed up,
        // then every event parsed and decoded in order, so later events run against the state the mutation left.
        var seed = EnvironmentInt("VGATE_FUZZ_SEED", DefaultSeed);
        var iterations = EnvironmentInt("VGATE_FUZZ_ITERATIONS", DefaultIterations) / 20;
        output.WriteLine($"file reader: seed={seed.ToString(CultureInfo.InvariantCulture)} iterations={iterations.ToString(CultureInfo.InvariantCulture)}");
        var random = new Random(seed);
        var corpus = SharedCorpus.Value;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var file = corpus.Files[random.Next(corpus.Files.Count)];
            var index = random.Next(file.Events.Count);
            var crc = file.Events.Count > 0 && IsFormatDescriptionWithCrc(file.Events[0]);
            var (mutated, mutation) = Mutate(random, file.Events[index], corpus, crc);
            var bytes = new List<byte>([0xFE, 0x62, 0x69, 0x6E]);
            for (var i = 0; i < file.Events.Count; i++)
                bytes.AddRange(i == index ? mutated : file.Events[i]);
            var what = $"seed {seed}, iteration {iteration}: {mutation} of event {index} of {file.Name}";
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var reader = new BinlogFileReader(new MemoryStream([.. bytes]));
                var steps = 0;
                foreach (var binlogEvent in reader.ReadEvents())
                    Consume(binlogEvent, ref steps);
            }
            catch (BinlogFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"{what}: {ex.GetType().Name} escaped: {ex.Message}\n{ex}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationLimit, $"{what}: allocated {allocated} bytes, more than {AllocationLimit}");
        }
    }

    [Fact]
    public void MutatedJsonValues_FixedSeed_OnlyFormatErrors()
    {
        // The binary JSON decoder on its own, from Vitess's 37 JSONB vectors (JsonBinaryDecoderTests.VitessVectors):
        // nested offsets and counts are where a length is most easily trusted.
        var seed = EnvironmentInt("VGATE_FUZZ_SEED", DefaultSeed);
        var iterations = EnvironmentInt("VGATE_FUZZ_ITERATIONS", DefaultIterations);
        output.WriteLine($"binary JSON: seed={seed.ToString(CultureInfo.InvariantCulture)} iterations={iterations.ToString(CultureInfo.InvariantCulture)}");
        var vectors = Rows.JsonBinaryDecoderTests.VitessVectors.Select(row => Convert.FromHexString((string)row[1])).Where(v => v.Length > 0).ToList();
        var random = new Random(seed);
        var writer = new ArrayBufferWriter<byte>();
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var value = (byte[])vectors[random.Next(vectors.Count)].Clone();
            var mutation = random.Next(3);
            switch (mutation)
            {
                case 0:
                    value[random.Next(value.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    value[random.Next(value.Length)] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                    break;
                default:
                    value = value[..random.Next(value.Length)];
                    break;
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                writer.ResetWrittenCount();
                JsonBinaryDecoder.WriteJson(value, writer);
                writer.ResetWrittenCount();
                JsonBinaryDecoder.WriteSqlExpression(value, writer);
            }
            catch (BinlogFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, iteration {iteration}, mutation {mutation} of {Convert.ToHexString(value)}: {ex.GetType().Name} escaped: {ex.Message}\n{ex}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationLimit, $"seed {seed}, iteration {iteration}: allocated {allocated} bytes");
        }
    }

    [Fact]
    public async Task MutatedPacketFramings_FixedSeed_OnlyFormatOrEndOfStreamErrors()
    {
        var seed = EnvironmentInt("VGATE_FUZZ_SEED", DefaultSeed);
        var iterations = EnvironmentInt("VGATE_FUZZ_ITERATIONS", DefaultIterations) / 10;
        output.WriteLine($"packet channel: seed={seed.ToString(CultureInfo.InvariantCulture)} iterations={iterations.ToString(CultureInfo.InvariantCulture)}");
        var random = new Random(seed);
        var corpus = SharedCorpus.Value;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            // A few events framed as the dump thread sends them (OK byte + event), sequence ids 0, 1, 2 …
            var file = corpus.Files[random.Next(corpus.Files.Count)];
            var stream = new MemoryStream();
            var count = random.Next(1, 5);
            for (var i = 0; i < count; i++)
            {
                var ev = file.Events[random.Next(file.Events.Count)];
                var header = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(ev.Length + 1) | ((uint)i << 24));
                stream.Write(header);
                stream.WriteByte(0);
                stream.Write(ev);
            }

            var bytes = stream.ToArray();
            var mutation = random.Next(4);
            switch (mutation)
            {
                case 0: // inflate or change one frame length byte / sequence id
                    bytes[random.Next(Math.Min(4, bytes.Length))] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                    break;
                case 1: // truncate
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 2: // a frame claiming 0xFFFFFF bytes (a split packet) that never comes
                    bytes[0] = 0xFF;
                    bytes[1] = 0xFF;
                    bytes[2] = 0xFF;
                    break;
                default:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
            }

            var channel = new PacketChannel(new MemoryStream(bytes)) { MaxPayloadLength = PacketChannel.MaxPacketPayload * 2 };
            await using (channel)
            {
                var reads = 0;
                try
                {
                    while (reads++ < 16)
                        await channel.ReadPacketAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is BinlogFormatException or EndOfStreamException)
                {
                }
                catch (Exception ex)
                {
                    Assert.Fail($"seed {seed}, iteration {iteration}, mutation {mutation}: {ex.GetType().Name} escaped: {ex.Message}");
                }
            }
        }
    }

    [Fact]
    public void MariaDbCompressedRows_DeclaringOneGiB_FailsWithoutAllocatingIt()
    {
        // A ~100-byte compressed WRITE_ROWS whose envelope declares 0x3FFFFFFF uncompressed bytes (under the default
        // 1 GiB limit) but holds a few bytes of zlib: before issue 14 the parser allocated the declared gigabyte first.
        var corpus = SharedCorpus.Value;
        var file = corpus.Files.Single(f => f.Name.EndsWith("mariadb-10.11-compressed.000002", StringComparison.Ordinal));
        var index = file.Events.FindIndex(e => (EventType)e[4] == EventType.MariaDbWriteRowsCompressedV1);
        Assert.True(index > 0, "the fixture has a compressed WRITE_ROWS event");
        var parser = file.ParserBefore(index);
        var original = file.Events[index];
        var rows = new List<byte>(original[..^4]);
        var envelope = FindEnvelope(original);
        rows.RemoveRange(envelope, rows.Count - envelope);
        rows.AddRange([0x84, 0x3F, 0xFF, 0xFF, 0xFF, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00]);
        var hostile = FixUp([.. rows, 0, 0, 0, 0], crc: true);
        Assert.True(hostile.Length < 200);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BinlogFormatException>(() => parser.Parse(hostile));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{hostile.Length}-byte event: {error.Message}; allocated {allocated} bytes");
        Assert.Contains("MariaDbWriteRowsCompressedV1 event at log position", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void MariaDbCompressedRows_OverTheConfiguredLimit_NamesEventAndLimit()
    {
        var corpus = SharedCorpus.Value;
        var file = corpus.Files.Single(f => f.Name.EndsWith("mariadb-10.11-compressed.000002", StringComparison.Ordinal));
        var index = file.Events.FindIndex(e => (EventType)e[4] == EventType.MariaDbWriteRowsCompressedV1);
        var parser = file.ParserBefore(index, maxEventSize: 1000);
        var original = file.Events[index];
        var envelope = FindEnvelope(original);
        var lengthOfLength = original[envelope] & 7;
        var rows = new List<byte>(original[..(envelope + 1)]);
        rows[envelope] = 0x84;
        rows.AddRange([0x00, 0x10, 0x00, 0x00]);
        rows.AddRange(original[(envelope + 1 + lengthOfLength)..]);

        var error = Assert.Throws<BinlogFormatException>(() => parser.Parse(FixUp([.. rows], crc: true)));

        Assert.Contains("declares 1048576 uncompressed bytes, more than the limit of 1000", error.Message, StringComparison.Ordinal);
        Assert.Contains("MariaDbWriteRowsCompressedV1 event at log position", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinlogFileReader_TruncatedEventDeclaringOneGiB_FailsWithoutAllocatingIt()
    {
        // A file whose second event header declares 1 GiB but the file ends 100 bytes later.
        var original = TestData.Bytes("mariadb/mariadb-10.11-stop.000003");
        var fdeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(original.AsSpan(4 + 9));
        var bytes = original[..(4 + fdeLength + EventHeader.Size + 100)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 + fdeLength + 9), (1u << 30) - 1);
        using var reader = new BinlogFileReader(new MemoryStream(bytes), new BinlogEventParser());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BinlogFormatException>(() =>
        {
            foreach (var binlogEvent in reader.ReadEvents())
                GC.KeepAlive(binlogEvent);
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{error.Message}; allocated {allocated} bytes");
        Assert.Contains("declares 1073741823 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task PacketChannel_EndlessSplitPacket_StopsAtTheLimit()
    {
        // 0xFFFFFF-byte packets one after the other never end a payload: the channel must give up at its limit.
        var piece = new byte[4 + PacketChannel.MaxPacketPayload];
        var stream = new MemoryStream();
        for (byte sequence = 0; sequence < 2; sequence++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(piece, PacketChannel.MaxPacketPayload | ((uint)sequence << 24));
            stream.Write(piece);
        }

        stream.Position = 0;
        await using var channel = new PacketChannel(stream) { MaxPayloadLength = PacketChannel.MaxPacketPayload + 1000 };

        var error = await Assert.ThrowsAsync<BinlogFormatException>(() => channel.ReadPacketAsync(CancellationToken.None).AsTask());

        Assert.Contains($"more than the limit of {PacketChannel.MaxPacketPayload + 1000}", error.Message, StringComparison.Ordinal);
    }

    // Parses nothing but walks everything an event exposes, as vgate binlog does.
    private static void Consume(BinlogEvent binlogEvent, ref int steps)
    {
        Step(ref steps);
        switch (binlogEvent)
        {
            case RowsEvent rows:
                var writer = new ArrayBufferWriter<byte>();
                foreach (var row in rows.GetRows())
                {
                    Step(ref steps);
                    DecodeImage(rows.TableMap, row.Before, writer, ref steps);
                    DecodeImage(rows.TableMap, row.After, writer, ref steps);
                }
                break;
            case TransactionPayloadEvent payload:
                foreach (var inner in payload.ReadEvents())
                    Consume(inner, ref steps);
                break;
            case MariaDbAnnotateRowsEvent annotate:
                _ = annotate.Query;
                break;
            case QueryEvent query:
                _ = query.Query;
                break;
        }
    }

    private static void DecodeImage(TableMapEvent table, RowImage image, ArrayBufferWriter<byte> writer, ref int steps)
    {
        if (!image.IsPresent)
            return;
        foreach (var cell in image.Cells)
        {
            Step(ref steps);
            if (cell.IsNull)
                continue;
            var column = table.Columns[cell.ColumnIndex];
            var bytes = image.GetBytes(cell);
            writer.ResetWrittenCount();
            if (cell.IsPartialJson)
            {
                JsonDiffDecoder.WriteVitessExpression(ColumnValueDecoder.GetPayload(column, bytes), writer);
                continue;
            }

            ColumnValueDecoder.WriteText(column, bytes, writer);
            if (ColumnValueDecoder.GetValueKind(column) == ValueKind.Json)
            {
                writer.ResetWrittenCount();
                JsonBinaryDecoder.WriteJson(ColumnValueDecoder.GetPayload(column, bytes), writer);
            }
        }
    }

    private static void Step(ref int steps)
    {
        if (++steps > StepLimit)
            Assert.Fail($"more than {StepLimit} events/rows/cells in one case: the parser loops");
    }

    private static (byte[] Bytes, string Mutation) Mutate(Random random, byte[] original, Corpus corpus, bool crc)
    {
        var bytes = (byte[])original.Clone();
        var bodyEnd = crc ? bytes.Length - 4 : bytes.Length;
        string mutation;
        switch (random.Next(6))
        {
            case 0:
            {
                var flips = random.Next(1, 9);
                for (var i = 0; i < flips; i++)
                    bytes[random.Next(bodyEnd)] ^= (byte)(1 << random.Next(8));
                mutation = $"{flips} bit flip(s)";
                break;
            }
            case 1:
            {
                var count = random.Next(1, 5);
                for (var i = 0; i < count; i++)
                    bytes[EventHeader.Size + random.Next(Math.Max(1, bodyEnd - EventHeader.Size)) % Math.Max(1, bodyEnd)] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                mutation = $"{count} boundary byte(s)";
                break;
            }
            case 2:
            {
                var keep = EventHeader.Size + random.Next(Math.Max(1, bodyEnd - EventHeader.Size));
                bytes = [.. bytes.AsSpan(0, keep), .. new byte[crc ? 4 : 0]];
                mutation = $"truncation to {keep} bytes";
                break;
            }
            case 3:
            {
                // A length field inflated: a little-endian integer of 1–8 bytes, or a length-encoded integer, at a random
                // body offset.
                var at = EventHeader.Size + random.Next(Math.Max(1, bodyEnd - EventHeader.Size));
                var value = BoundaryLengths[random.Next(BoundaryLengths.Length)];
                Span<byte> encoded = stackalloc byte[9];
                int width;
                if (random.Next(2) == 0)
                {
                    width = new[] { 1, 2, 3, 4, 8 }[random.Next(5)];
                    BinaryPrimitives.WriteUInt64LittleEndian(encoded, value);
                }
                else
                {
                    encoded[0] = value < 0x1_0000 ? (byte)0xFC : value < 0x100_0000 ? (byte)0xFD : (byte)0xFE;
                    BinaryPrimitives.WriteUInt64LittleEndian(encoded[1..], value);
                    width = encoded[0] switch { 0xFC => 3, 0xFD => 4, _ => 9 };
                }
                for (var i = 0; i < width && at + i < bodyEnd; i++)
                    bytes[at + i] = encoded[i];
                mutation = $"length 0x{value:X} ({width} bytes) at {at}";
                break;
            }
            case 4:
            {
                // Splice: a range of another event replaces a range of this one.
                var donorFile = corpus.Files[random.Next(corpus.Files.Count)];
                var donor = donorFile.Events[random.Next(donorFile.Events.Count)];
                var from = random.Next(donor.Length);
                var length = random.Next(1, Math.Min(64, donor.Length - from) + 1);
                var at = EventHeader.Size + random.Next(Math.Max(1, bodyEnd - EventHeader.Size));
                var cut = Math.Min(random.Next(0, 65), Math.Max(0, bodyEnd - at));
                bytes = [.. bytes.AsSpan(0, at), .. donor.AsSpan(from, length), .. bytes.AsSpan(at + cut)];
                mutation = $"splice of {length} byte(s) over {cut} at {at}";
                break;
            }
            default:
            {
                // A run of one boundary byte inserted (grows counts and lengths past the data).
                var at = EventHeader.Size + random.Next(Math.Max(1, bodyEnd - EventHeader.Size));
                var run = random.Next(1, 33);
                var fill = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                bytes = [.. bytes.AsSpan(0, at), .. Enumerable.Repeat(fill, run), .. bytes.AsSpan(at)];
                mutation = $"{run} x 0x{fill:X2} inserted at {at}";
                break;
            }
        }

        // Most cases fix the header's length and the CRC32 so the mutation reaches the body parsers.
        return random.Next(10) == 0 ? (bytes, mutation + " (header and CRC left as they were)") : (FixUp(bytes, crc), mutation);
    }

    private static bool IsFormatDescriptionWithCrc(byte[] ev) =>
        (EventType)ev[4] == EventType.FormatDescription && ev.Length > EventHeader.Size + 5 && ev[^5] == 1;

    /// <summary>Sets the header's length to the real length and, with <paramref name="crc"/>, recomputes the CRC32.</summary>
    private static byte[] FixUp(byte[] bytes, bool crc)
    {
        if (bytes.Length < EventHeader.Size)
            return bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)bytes.Length);
        if (crc && bytes.Length >= EventHeader.Size + 4)
        {
            // The parser checksums FORMAT_DESCRIPTION without the in-use flag: clear it so the CRC stays valid.
            if ((EventType)bytes[4] == EventType.FormatDescription)
                bytes[17] &= 0xFE;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        }
        return bytes;
    }

    // The offset of the compression envelope in a MariaDB compressed ROWS v1 event (post-header 8 bytes, a 2-byte extra
    // info length in v2): found as the first 0x8N byte after the column bitmap, which for this fixture is a fixed layout.
    private static int FindEnvelope(byte[] ev)
    {
        for (var i = ev.Length - 5; i > EventHeader.Size; i--)
        {
            if ((ev[i] & 0xF8) == 0x80 && (ev[i] & 7) is >= 1 and <= 4 && i + 1 + (ev[i] & 7) + 1 < ev.Length && ev[i + 1 + (ev[i] & 7)] == 0x78)
                return i;
        }
        throw new InvalidOperationException("no zlib envelope found");
    }

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>The captured binlog files split into events.</summary>
    private sealed class Corpus(List<CorpusFile> files)
    {
        public List<CorpusFile> Files { get; } = files;

        public static Corpus Load() => new(FixtureFiles.Select(CorpusFile.Load).ToList());
    }

    private sealed class CorpusFile(string name, List<byte[]> events)
    {
        public string Name { get; } = name;

        public List<byte[]> Events { get; } = events;

        public static CorpusFile Load(string relative)
        {
            var bytes = TestData.Bytes(relative);
            var events = new List<byte[]>();
            var offset = 4; // the 0xFE 'bin' magic
            while (offset + EventHeader.Size <= bytes.Length)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9));
                if (length < EventHeader.Size || offset + length > bytes.Length)
                    break;
                events.Add(bytes.AsSpan(offset, length).ToArray());
                offset += length;
            }
            return new CorpusFile(relative, events);
        }

        /// <summary>
        /// A parser in the state event <paramref name="index"/> expects: the last FORMAT_DESCRIPTION and the TABLE_MAPs of
        /// the 30 events before it parsed (unmutated).
        /// </summary>
        public BinlogEventParser ParserBefore(int index, int maxEventSize = BinlogEventParser.DefaultMaxEventSize)
        {
            var parser = new BinlogEventParser(ChecksumAlgorithm.None, maxEventSize);
            var fde = index == 0 ? -1 : Events.FindLastIndex(index - 1, index, e => (EventType)e[4] == EventType.FormatDescription);
            if (fde >= 0)
                parser.Parse(Events[fde]);
            for (var i = Math.Max(fde + 1, index - 30); i < index; i++)
            {
                if ((EventType)Events[i][4] == EventType.TableMap)
                    parser.Parse(Events[i]);
            }
            return parser;
        }
    }
}
