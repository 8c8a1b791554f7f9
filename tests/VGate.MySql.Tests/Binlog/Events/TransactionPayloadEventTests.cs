using System.Buffers.Binary;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class TransactionPayloadEventTests
{
    // planetscale/vitess go/mysql/binlog_event_mysql56_test.go TestMysql56DecodeTransactionPayload (MySQL 8.0,
    // binlog_transaction_compression=ON): begin; insert into customer values (1, "mlord@planetscale.com"),
    // (2, "sup@planetscale.com"); commit. 215 bytes with the CRC stripped.
    private const string VitessPayload =
        "c7e14b64285bd2c719db0000003a50000000000201000303fcfe000101b80028b52ffd0058640500f249232aa027690cffe806ebfec3ab8a7bc036425c6f1b2ffb6ec49ae66e6bda08f1377effb86cbc273cb74fee14ffaf090669e312684a6ec3e128af3fc8141cc360cee31e184c63a135907904e8a9eb4a1bd741537217a423a4476800a237eec1c771302419fd78491b97d294dc85a221c1b0638d7b0f328707e239f07c3e01fe138f11d0059fbc185991362e6d4a6e0b005e2810c0025077e06430029e0954ec806d07a4c17d60e4017801010000";

    [Fact]
    public void ReadEvents_VitessVector_FiveInnerEvents()
    {
        var parser = TestData.MySql8Parser();
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(TestData.RestoreCrc(TestData.Hex(VitessPayload))));

        Assert.Equal(TransactionCompression.Zstd, payload.Compression);
        Assert.Equal(184ul, payload.PayloadSize);
        Assert.Equal(254ul, payload.UncompressedSize);

        var seen = new List<string>();
        foreach (var ev in payload.ReadEvents())
        {
            switch (ev)
            {
                case QueryEvent q:
                    seen.Add("QUERY " + q.Query);
                    break;
                case TableMapEvent t:
                    seen.Add($"TABLE_MAP {t.Database}.{t.Table}");
                    break;
                case RowsEvent r:
                    foreach (var row in r.GetRows())
                    {
                        var cells = row.After.Cells;
                        var id = BinaryPrimitives.ReadInt64LittleEndian(row.After.GetBytes(cells[0]));
                        var email = System.Text.Encoding.UTF8.GetString(row.After.GetBytes(cells[1])[1..]);
                        seen.Add($"WRITE_ROWS [{id} {email}]");
                    }

                    break;
                case XidEvent:
                    seen.Add("XID (COMMIT)");
                    break;
                default:
                    seen.Add(ev.Type.ToString());
                    break;
            }
        }

        Assert.Equal(
            ["QUERY BEGIN", "TABLE_MAP vt_commerce.customer", "WRITE_ROWS [1 mlord@planetscale.com]", "WRITE_ROWS [2 sup@planetscale.com]", "XID (COMMIT)"],
            seen);
    }

    [Theory]
    [InlineData("mysql/rust_mysql_common/transaction_compression.000001", "QUERY, TABLE_MAP, WRITE_ROWS_V2, XID")]
    [InlineData("mysql/mysql-binlog-connector-java/mysql-bin.compressed", "QUERY, TABLE_MAP, UPDATE_ROWS_V2, XID")]
    [InlineData("mysql/mysql-binlog-connector-rust/mysql-bin.000057", "QUERY, QUERY, ROWS_QUERY, ROWS_QUERY, ROWS_QUERY, TABLE_MAP, TABLE_MAP, TABLE_MAP, WRITE_ROWS_V2, WRITE_ROWS_V2, XID, XID, UPDATE_ROWS_V2")]
    public void ReadEvents_CompressedFiles_InnerEventTypesAsListed(string file, string expected)
    {
        var inner = new List<string>();
        TestData.ForEachEvent(file, ev =>
        {
            if (ev is not TransactionPayloadEvent payload)
                return;
            foreach (var innerEvent in payload.ReadEvents())
            {
                inner.Add(BinlogFileReaderTests.TypeName(innerEvent.Type));
                if (innerEvent is RowsEvent rows)
                    Assert.Equal(1, rows.CountRows());
            }
        });

        // PROVENANCE lists the inner types with counts, not their order.
        Assert.Equal(expected.Split(", ").Order(StringComparer.Ordinal), inner.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReadEvents_LargePayload_StreamsInnerEventsWithBoundedMemory()
    {
        // A single TRANSACTION_PAYLOAD (CRC stripped by Vitess) declaring 173,120,239 uncompressed bytes, almost all of
        // them one WRITE_ROWS event with a 165 MiB LONGTEXT value.
        var bytes = TestData.WithoutCrcLength(TestData.Bytes("mysql/vitess/large_compressed_trx_payload.bin"));
        var parser = TestData.ParserWith("8.0.40", ChecksumAlgorithm.None, maxEventSize: 16 << 20);
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(bytes));
        Assert.Equal(173_120_239ul, payload.UncompressedSize);
        Assert.Equal(16_051ul, payload.PayloadSize);

        var types = new List<EventType>();
        uint oversizedLength = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        foreach (var ev in payload.ReadEvents())
        {
            types.Add(ev.Type);
            if (ev is OversizedEvent oversized)
                oversizedLength = oversized.Header.EventLength;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal([EventType.Query, EventType.TableMap, EventType.WriteRowsV2, EventType.Xid], types);
        Assert.Equal(173_120_066u, oversizedLength);

        // Decompressing the whole payload, or buffering the 165 MiB event, would allocate well over 64 MiB.
        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ReadEvents_LargePayloadWithDefaultLimit_MaterializesTheHugeRow()
    {
        var bytes = TestData.WithoutCrcLength(TestData.Bytes("mysql/vitess/large_compressed_trx_payload.bin"));
        var parser = TestData.ParserWith("8.0.40", ChecksumAlgorithm.None);
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(bytes));

        var cellLengths = new List<int>();
        foreach (var ev in payload.ReadEvents())
        {
            if (ev is not RowsEvent rows)
                continue;
            foreach (var row in rows.GetRows())
            {
                foreach (var cell in row.After.Cells)
                    cellLengths.Add(cell.Length);
            }
        }

        // repeat("test", 43280000) in a LONGTEXT: 4-byte length prefix + 173,120,000 bytes.
        Assert.Equal(3, cellLengths.Count);
        Assert.Equal(4 + 173_120_000, cellLengths[2]);
    }

    [Fact]
    public void ReadEvents_InnerEventLongerThanPayload_ThrowsInsteadOfHanging()
    {
        var xid = TestData.BuildEvent(EventType.Xid, new byte[8], crc: false);
        BinaryPrimitives.WriteUInt32LittleEndian(xid.AsSpan(9), 5000);
        var ev = UncompressedPayload(xid);

        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(ev));
        var ex = Assert.Throws<BinlogFormatException>(() => payload.ReadEvents().ToList());
        Assert.Contains("5000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadEvents_UncompressedPayload_ParsesInnerEvents()
    {
        var inner = TestData.BuildEvent(EventType.Xid, BitConverter.GetBytes(42ul), crc: false);
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(UncompressedPayload([.. inner, .. inner])));

        Assert.Equal(TransactionCompression.None, payload.Compression);
        Assert.Equal([42ul, 42ul], payload.ReadEvents().Cast<XidEvent>().Select(x => x.Xid));
    }

    [Fact]
    public void ReadEvents_CorruptZstdFrame_ThrowsFormatException()
    {
        var bytes = TestData.RestoreCrc(TestData.Hex(VitessPayload));
        bytes[80] ^= 0x5A;
        bytes[81] ^= 0xA5;
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        var withoutCrc = bytes[..^4];
        BinaryPrimitives.WriteUInt32LittleEndian(withoutCrc.AsSpan(9), (uint)withoutCrc.Length);
        var payload = Assert.IsType<TransactionPayloadEvent>(parser.Parse(withoutCrc));

        Assert.Throws<BinlogFormatException>(() => payload.ReadEvents().ToList());
    }

    [Fact]
    public void Parse_TruncatedAtEveryOffset_ThrowsFormatException()
    {
        var full = TestData.WithoutCrcLength(TestData.Hex(VitessPayload));
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        for (var cut = EventHeader.Size; cut < full.Length; cut++)
        {
            var bytes = full[..cut];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)cut);
            Assert.Throws<BinlogFormatException>(() =>
            {
                var payload = (TransactionPayloadEvent)parser.Parse(bytes);
                payload.ReadEvents().ToList();
            });
        }
    }

    // A TRANSACTION_PAYLOAD with compression NONE (255) around the given inner events.
    private static byte[] UncompressedPayload(byte[] inner)
    {
        var body = new List<byte> { 2, 3, 0xFC, 0xFF, 0x00 };
        body.AddRange([3, 3, 0xFC, (byte)inner.Length, (byte)(inner.Length >> 8)]);
        body.AddRange([1, 3, 0xFC, (byte)inner.Length, (byte)(inner.Length >> 8), 0]);
        body.AddRange(inner);
        return TestData.BuildEvent(EventType.TransactionPayload, body.ToArray(), crc: false);
    }
}
