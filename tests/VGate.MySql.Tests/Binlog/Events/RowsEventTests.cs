using System.Buffers.Binary;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class RowsEventTests
{
    [Fact]
    public void GetRows_ChecksumCrc32File_WalksEveryRowOfEveryEventExactly()
    {
        var kinds = new Dictionary<RowsEventKind, int>();
        var rows = 0;
        TestData.ForEachEvent("mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32", ev =>
        {
            if (ev is not RowsEvent r)
                return;
            kinds[r.Kind] = kinds.GetValueOrDefault(r.Kind) + 1;
            Assert.True(r.IsStatementEnd);
            Assert.Same(r.TableMap, r.TableMap);
            rows += AssertWalksExactly(r);
        });

        Assert.Equal(34, kinds[RowsEventKind.Insert]);
        Assert.Equal(20, kinds[RowsEventKind.Update]);
        Assert.Equal(6, kinds[RowsEventKind.Delete]);
        Assert.True(rows >= 60);
    }

    [Theory]
    [InlineData("mysql/rust_mysql_common/json.binlog.000001")]
    [InlineData("mysql/rust_mysql_common/json-opaque.binlog")]
    [InlineData("mysql/rust_mysql_common/vector.binlog")]
    [InlineData("mysql/rust_mysql_common/time_issue.000001")]
    [InlineData("mysql/rust_mysql_common/minimal_row_metadata.000001")]
    [InlineData("mysql/rust_mysql_common/rpl_unfiltered_hidden_gcol.000001")]
    [InlineData("mysql/mysql-binlog-connector-rust/mysql-bin.000080")]
    [InlineData("mariadb/mariadb-10.11-rows.000001")]
    [InlineData("mariadb/mariadb-10.11-compressed.000002")]
    public void GetRows_Fixture_ImagesCoverTheRowDataExactly(string file)
    {
        var events = 0;
        TestData.ForEachEvent(file, ev =>
        {
            if (ev is RowsEvent r)
            {
                events++;
                AssertWalksExactly(r);
            }
        });
        Assert.True(events > 0);
    }

    [Theory]
    [InlineData("mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32")]
    [InlineData("mysql/rust_mysql_common/json.binlog.000001")]
    [InlineData("mariadb/mariadb-10.11-rows.000001")]
    [InlineData("mariadb/mariadb-10.11-compressed.000002")]
    public void CopyTo_Fixture_CopiesWalkTheSameRowsAfterTheReaderHasMovedOn(string file)
    {
        // The copies are described only after the whole file has been read, when the reader's buffer that the
        // original events pointed into holds other events' bytes.
        var expected = new List<string>();
        var copies = new List<(RowsEvent Original, RowsEvent Copy)>();
        TestData.ForEachEvent(file, ev =>
        {
            if (ev is not RowsEvent r)
                return;
            expected.Add(DescribeRows(r));
            var storage = new byte[r.CopyLength + 5];
            Assert.Equal(r.ExtraData.Length + r.BeforeColumns.Length + r.AfterColumns.Length + r.Rows.Length, r.CopyLength);
            copies.Add((r, r.CopyTo(storage.AsMemory(5))));
            Assert.Throws<ArgumentException>(() => r.CopyTo(new byte[r.CopyLength - 1]));
        });

        Assert.NotEmpty(copies);
        for (var i = 0; i < copies.Count; i++)
        {
            var (original, copy) = copies[i];
            Assert.Equal(expected[i], DescribeRows(copy));
            Assert.Equal(original.Header, copy.Header);
            Assert.Same(original.TableMap, copy.TableMap);
            Assert.Equal((original.Kind, original.TableId, original.Flags, original.ColumnCount, original.PartitionId, original.SourcePartitionId),
                (copy.Kind, copy.TableId, copy.Flags, copy.ColumnCount, copy.PartitionId, copy.SourcePartitionId));
            Assert.Equal(original.IsCompressed, copy.IsCompressed);
            AssertWalksExactly(copy);
        }
    }

    [Fact]
    public void GetRows_EnumStringSet_CellsHoldTheInsertedValues()
    {
        var seen = new List<RowsEventKind>();
        TestData.ForEachEvent("mysql/rust_mysql_common/mysql-enum-string-set.000001", ev =>
        {
            if (ev is not RowsEvent r)
                return;
            seen.Add(r.Kind);
            foreach (var row in r.GetRows())
            {
                var image = r.Kind == RowsEventKind.Delete ? row.Before : row.After;
                var cells = image.Cells;
                Assert.Equal(5, cells.Length);

                // f1 CHAR(128) utf8mb4 (512 bytes max → 2-byte prefix), f2 VARCHAR(300), f3 ENUM (1 byte), f4 SET (1 byte), f5 TEXT.
                var f1 = Text(image.GetBytes(cells[0]), 2);
                var f2 = Text(image.GetBytes(cells[1]), 2);
                var f5 = Text(image.GetBytes(cells[4]), 2);
                if (r.Kind == RowsEventKind.Insert)
                {
                    Assert.Equal(string.Concat(Enumerable.Repeat("0123456789", 10)), f1);
                    // PROVENANCE calls it "a 300-char digit string"; the bytes hold 298 digits.
                    Assert.Equal(298, f2.Length);
                    Assert.True(f2.All(char.IsAsciiDigit));
                    Assert.Equal([1], image.GetBytes(cells[2]).ToArray());
                    Assert.Equal([0b101], image.GetBytes(cells[3]).ToArray());
                    Assert.Equal("0123456789", f5);
                }
                else
                {
                    Assert.Equal("field1", f1);
                    Assert.Equal("field_2", f2);
                    Assert.Equal([2], image.GetBytes(cells[2]).ToArray());
                    Assert.Equal([0b1010], image.GetBytes(cells[3]).ToArray());
                    Assert.Equal(298, f5.Length);
                }
            }
        });

        Assert.Equal([RowsEventKind.Insert, RowsEventKind.Update, RowsEventKind.Delete], seen);
    }

    [Fact]
    public void GetRows_BitColumns_CellsAreTheBitBytes()
    {
        var rows = 0;
        TestData.ForEachEvent("mysql/rust_mysql_common/mysql_type_bit.000001", ev =>
        {
            if (ev is not RowsEvent r)
                return;
            foreach (var row in r.GetRows())
            {
                rows++;
                var cells = row.After.Cells;
                Assert.Equal([0x04], row.After.GetBytes(cells[0]).ToArray());
                Assert.Equal("foo", Text(row.After.GetBytes(cells[1]), 2));
                Assert.Equal([0x20], row.After.GetBytes(cells[2]).ToArray());
            }
        });
        Assert.Equal(1, rows);
    }

    [Fact]
    public void GetRows_Vector_CellsHoldFloat32Arrays()
    {
        var vectors = new List<string>();
        TestData.ForEachEvent("mysql/rust_mysql_common/vector.binlog", ev =>
        {
            if (ev is RowsEvent { Kind: RowsEventKind.Insert, TableMap.Table: "foo" } r)
            {
                foreach (var row in r.GetRows())
                    vectors.Add(Convert.ToHexStringLower(row.After.GetBytes(row.After.Cells[1])[4..]));
            }
        });

        Assert.Contains("cdcc8c3fcdcc0c4033335340", vectors);
        Assert.Contains("0000803f000080bf00000000", vectors);
    }

    [Fact]
    public void GetRows_NullCells_HaveNoBytesAndAreFlagged()
    {
        var nullRows = 0;
        TestData.ForEachEvent("mariadb/mariadb-10.11-rows.000001", ev =>
        {
            if (ev is not RowsEvent { Kind: RowsEventKind.Insert, TableMap.Table: "t" } r)
                return;
            foreach (var row in r.GetRows())
            {
                if (row.Index != 1)
                    continue;
                nullRows++;
                Assert.False(row.Before.IsPresent);
                Assert.False(row.After.Cells[0].IsNull);
                Assert.All(row.After.Cells[1..].ToArray(), c => Assert.True(c.IsNull && c.Length == 0));
                // 26 present columns: every bit but the first is set (MariaDB fills the unused high bits too).
                Assert.Equal([0xFE, 0xFF, 0xFF], row.After.NullBitmap[..3].ToArray());
                Assert.Equal(0x03, row.After.NullBitmap[3] & 0x03);
            }
        });
        Assert.Equal(1, nullRows);
    }

    [Fact]
    public void GetRows_MariaDbCompressedEvents_DecodeToTheSameCellsAsUncompressed()
    {
        var plain = CollectCells("mariadb/mariadb-10.11-rows.000001", compressed: false);
        var packed = CollectCells("mariadb/mariadb-10.11-compressed.000002", compressed: true);

        // INSERT of 3 rows, UPDATE of 2, UPDATE of 1, DELETE of 1.
        Assert.Equal(7, plain.Count);
        Assert.Equal(plain, packed);
    }

    [Theory]
    [InlineData(Partial0, true, 5, true)]
    [InlineData(Partial1, true, 1, true)]
    [InlineData(Partial2, true, 1, true)]
    [InlineData(Partial3, true, 5, true)]
    [InlineData(Partial4, true, 1, true)]
    [InlineData(Partial5, true, 1, true)]
    [InlineData(Partial6, true, 1, true)]
    [InlineData(Partial7, false, 1, false)]
    [InlineData(Partial8, false, 1, false)]
    [InlineData(Partial9, false, 1, true)]
    [InlineData(Partial10, true, 5, true)]
    public void GetRows_PartialUpdateVectors_WalkRowsAndFlagJsonDiffs(string hex, bool crc, int rowCount, bool isDiff)
    {
        // The recorded events either had their CRC stripped (header length 4 more than the bytes: restored here) or
        // were captured without checksums (header length equal to the bytes).
        var eventBytes = crc ? TestData.RestoreCrc(TestData.Hex(hex)) : TestData.Hex(hex);
        var parser = TestData.MySql8Parser(crc ? ChecksumAlgorithm.Crc32 : ChecksumAlgorithm.None);
        var tableId = BinaryPrimitives.ReadUInt32LittleEndian(eventBytes.AsSpan(EventHeader.Size));
        parser.Parse(TestData.BuildEvent(EventType.TableMap, CustomerTableMap(tableId), crc: crc));

        var ev = Assert.IsType<RowsEvent>(parser.Parse(eventBytes));

        Assert.Equal(EventType.PartialUpdateRows, ev.Type);
        Assert.True(ev.IsPartialUpdate);
        Assert.Equal(RowsEventKind.Update, ev.Kind);
        Assert.Equal("customer", ev.TableMap.Table);
        Assert.Equal(rowCount, AssertWalksExactly(ev));
        foreach (var row in ev.GetRows())
        {
            Assert.False(row.Before.Cells[2].IsPartialJson);
            Assert.Equal(isDiff, row.After.Cells[2].IsPartialJson);
            Assert.False(row.After.Cells[0].IsPartialJson);
            if (isDiff)
            {
                Assert.Equal(1ul, row.After.ValueOptions);

                // A diff is a 4-byte length, then operations: op byte (0 replace, 1 insert, 2 remove), path length, path…
                // An empty diff (length 0) means the JSON column is unchanged ("@3=@3" in mysqlbinlog).
                var diff = row.After.GetBytes(row.After.Cells[2])[4..];
                if (!diff.IsEmpty)
                {
                    Assert.InRange(diff[0], 0, 2);
                    Assert.Equal((byte)'$', diff[2]);
                }
            }
        }
    }

    [Fact]
    public void GetRows_PartialUpdateInsert_AfterImageDiffIsJsonInsertOfRole()
    {
        var parser = TestData.MySql8Parser();
        parser.Parse(TestData.BuildEvent(EventType.TableMap, CustomerTableMap(0xb0), crc: true));
        var ev = Assert.IsType<RowsEvent>(parser.Parse(TestData.RestoreCrc(TestData.Hex(Partial0))));

        using var rows = ev.GetRows();
        Assert.True(rows.MoveNext());
        var after = rows.Current.After;
        Assert.Equal("alice@domain.com", Text(after.GetBytes(after.Cells[1]), 1));

        // JSON_INSERT(@3, '$.role', 'manager'): op 1, path "$.role", value = JSONB string "manager".
        Assert.Equal("0106242e726f6c65090c076d616e61676572", Convert.ToHexStringLower(after.GetBytes(after.Cells[2])[4..]));
    }

    [Theory]
    [InlineData("00 0102030405", "LongLong) needs 8 byte(s) but only 5 remain")]                   // fixed-size cell cut short
    [InlineData("00 0100000000000000 0a 6869", "declares 10 byte(s) but only 2 remain")]             // length prefix past the end
    public void GetRows_TruncatedCell_ThrowsNamingRowAndTable(string rowHex, string expected)
    {
        var parser = TestData.MySql8Parser();
        parser.Parse(TestData.BuildEvent(EventType.TableMap, CustomerTableMap(0xb0), crc: true));

        // WRITE_ROWS v2 of vt_commerce.customer: table id, flags, empty extra data, 3 columns, all present, one row.
        var body = TestData.Hex("b00000000000 0100 0200 03 07 " + rowHex);
        var ev = Assert.IsType<RowsEvent>(parser.Parse(TestData.BuildEvent(EventType.WriteRowsV2, body, crc: true)));

        var ex = Assert.Throws<BinlogFormatException>(() => ev.CountRows());
        Assert.Contains("Row 0 of WriteRowsV2 for vt_commerce.customer (table id 176)", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RowsForUnknownTableId_ThrowsNamingTheTable()
    {
        var parser = TestData.MySql8Parser();
        var ex = Assert.Throws<BinlogFormatException>(() => parser.Parse(TestData.RestoreCrc(TestData.Hex(Partial1))));
        Assert.Contains("table id 176", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TABLE_MAP", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRows_SteadyState_AllocatesNothingPerRow()
    {
        var parser = TestData.MySql8Parser();
        var bytes = TestData.RestoreCrc(TestData.Hex(Partial3));
        parser.Parse(TestData.BuildEvent(EventType.TableMap, CustomerTableMap(bytes[EventHeader.Size]), crc: true));
        var ev = Assert.IsType<RowsEvent>(parser.Parse(bytes));
        for (var i = 0; i < 1000; i++)
            ev.CountRows();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 10_000; i++)
            total += ev.CountRows();
        Assert.Equal(50_000, total);

        // 50,000 rows walked: any per-row (or per-walk) allocation would cost hundreds of kilobytes. What remains is a
        // constant few hundred bytes of one-time runtime work (it does not grow from 1,000 to 10,000 walks).
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4096);
    }

    [Fact]
    public void GetRows_TruncatedRowData_ThrowsFormatException()
    {
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        parser.Parse(TestData.BuildEvent(EventType.TableMap, CustomerTableMap(0xb0), crc: false));
        var full = TestData.WithoutCrcLength(TestData.Hex(Partial1));
        for (var cut = full.Length - 1; cut > full.Length - 60; cut--)
        {
            var bytes = full[..cut];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)cut);
            var ev = (RowsEvent)parser.Parse(bytes);
            Assert.Throws<BinlogFormatException>(() => ev.CountRows());
        }
    }

    // CREATE TABLE vt_commerce.customer (customer_id bigint NOT NULL, email varbinary(128), jd json): types LONGLONG,
    // VARCHAR(128), JSON; metadata 80 00 | 04; nullable columns 2 and 3.
    private static byte[] CustomerTableMap(uint tableId)
    {
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes((ulong)tableId).AsSpan(0, 6).ToArray());
        body.AddRange(new byte[] { 0x01, 0x00, 11 });
        body.AddRange("vt_commerce\0"u8.ToArray());
        body.Add(8);
        body.AddRange("customer\0"u8.ToArray());
        body.AddRange(new byte[] { 3, 0x08, 0x0f, 0xf5, 3, 0x80, 0x00, 0x04, 0x06 });
        return [.. body];
    }

    private static List<string> CollectCells(string file, bool compressed)
    {
        var result = new List<string>();
        TestData.ForEachEvent(file, ev =>
        {
            if (ev is not RowsEvent { TableMap.Table: "t" } r)
                return;
            Assert.Equal(compressed, r.IsCompressed);
            foreach (var row in r.GetRows())
                result.Add($"{r.Kind}:{Describe(row.Before)}|{Describe(row.After)}");
        });

        return result;
    }

    private static string DescribeRows(RowsEvent r)
    {
        var rows = new List<string>();
        foreach (var row in r.GetRows())
            rows.Add($"{Describe(row.Before)}|{Describe(row.After)}");
        return $"{Convert.ToHexStringLower(r.ExtraData.Span)} {Convert.ToHexStringLower(r.BeforeColumns.Span)} {Convert.ToHexStringLower(r.AfterColumns.Span)} {string.Join(";", rows)}";
    }

    private static string Describe(RowImage image)
    {
        if (!image.IsPresent)
            return "-";
        var parts = new List<string>();
        foreach (var cell in image.Cells)
            parts.Add(cell.IsNull ? $"{cell.ColumnIndex}=NULL" : $"{cell.ColumnIndex}={Convert.ToHexStringLower(image.GetBytes(cell))}");
        return string.Join(",", parts);
    }

    private static string Text(ReadOnlySpan<byte> cell, int prefix) => System.Text.Encoding.UTF8.GetString(cell[prefix..]);

    // Walks every row, checks the images are where the kind says, every present column has a cell, and the images
    // tile the row data exactly. Returns the number of rows.
    private static int AssertWalksExactly(RowsEvent r)
    {
        var covered = 0;
        var count = 0;
        var beforeColumns = PopCount(r.BeforeColumns.Span, r.ColumnCount);
        var afterColumns = PopCount(r.AfterColumns.Span, r.ColumnCount);
        foreach (var row in r.GetRows())
        {
            count++;
            Assert.Equal(r.Kind != RowsEventKind.Insert, row.Before.IsPresent);
            Assert.Equal(r.Kind != RowsEventKind.Delete, row.After.IsPresent);
            if (row.Before.IsPresent)
            {
                Assert.Equal(beforeColumns, row.Before.Cells.Length);
                covered += row.Before.Bytes.Length;
            }

            if (row.After.IsPresent)
            {
                Assert.Equal(afterColumns, row.After.Cells.Length);
                covered += row.After.Bytes.Length;
            }
        }

        Assert.Equal(r.Rows.Length, covered);
        return count;
    }

    private static int PopCount(ReadOnlySpan<byte> bitmap, int columns)
    {
        var n = 0;
        for (var i = 0; i < columns && (i >> 3) < bitmap.Length; i++)
            n += (bitmap[i >> 3] >> (i & 7)) & 1;
        return n;
    }

    // INSERT: 5 row(s); Vitess renders the after-image JSON as "JSON_INSERT(%s, _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'manager') as JSON))"
    private const string Partial0 =
        "c4135767272f8e8f0c06020000e56800000000b000000000000100020003ffff00010000000000000010616c69636540646f6d61696e2e" +
        "636f6d1200000000010011000b00060005640073616c617279010100010000000000000010616c69636540646f6d61696e2e636f6d1200" +
        "00000106242e726f6c65090c076d616e616765720002000000000000000e626f6240646f6d61696e2e636f6d1200000000010011000b00" +
        "060005630073616c61727901010002000000000000000e626f6240646f6d61696e2e636f6d120000000106242e726f6c65090c076d616e" +
        "6167657200030000000000000012636861726c696540646f6d61696e2e636f6d1200000000010011000b00060005630073616c61727901" +
        "0100030000000000000012636861726c696540646f6d61696e2e636f6d120000000106242e726f6c65090c076d616e6167657200040000" +
        "00000000000e64616e40646f6d61696e2e636f6d1200000000010011000b00060005630073616c61727901010004000000000000000e64" +
        "616e40646f6d61696e2e636f6d120000000106242e726f6c65090c076d616e616765720005000000000000000e65766540646f6d61696e" +
        "2e636f6d1200000000010011000b00060005640073616c61727901010005000000000000000e65766540646f6d61696e2e636f6d120000" +
        "000106242e726f6c65090c076d616e61676572";

    // REPLACE: 1 row(s); Vitess renders the after-image JSON as "JSON_REPLACE(%s, _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'IC') as JSON))"
    private const string Partial1 =
        "9b155767272f8e8f0c94000000876a00000000b000000000000100020003ffff00010000000000000010616c69636540646f6d61696e2e" +
        "636f6d25000000000200240012000400160006000c1c00056400726f6c6573616c617279076d616e616765720101000100000000000000" +
        "10616c69636540646f6d61696e2e636f6d0d0000000006242e726f6c65040c024943";

    // REMOVE: 1 row(s); Vitess renders the after-image JSON as "JSON_REMOVE(%s, _utf8mb4'$.salary')"
    private const string Partial2 =
        "b0165767272f8e8f0c8d000000226c00000000b000000000000100020003ffff0002000000000000000e626f6240646f6d61696e2e636f" +
        "6d25000000000200240012000400160006000c1c00056300726f6c6573616c617279076d616e6167657201010002000000000000000e62" +
        "6f6240646f6d61696e2e636f6d0a0000000208242e73616c617279";

    // REMOVE and REPLACE: 5 row(s); Vitess renders the after-image JSON as "JSON_REMOVE(JSON_REPLACE(%s, _utf8mb4'$.day', CAST(JSON_QUOTE(_utf8mb4'monday') as JSON)), _utf8mb4'$.favorite_color')"
    private const string Partial3 =
        "e3f05667274a3ad021e1030000ad7a00000000b000000000000100020003ffff00010000000000000010616c69636540646f6d61696e2e" +
        "636f6d610000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000564000c5a00646179726f6c6563" +
        "6f6c6f7273616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b010100010000" +
        "000000000010616c69636540646f6d61696e2e636f6d220000000005242e646179080c066d6f6e6461790210242e6661766f726974655f" +
        "636f6c6f720002000000000000000e626f6240646f6d61696e2e636f6d610000000005006000270003002a0004002e0005003300060039" +
        "000e000c47000c4e000c56000563000c5a00646179726f6c65636f6c6f7273616c6172796661766f726974655f636f6c6f720666726964" +
        "6179076d616e616765720372656405626c61636b01010002000000000000000e626f6240646f6d61696e2e636f6d220000000005242e64" +
        "6179080c066d6f6e6461790210242e6661766f726974655f636f6c6f7200030000000000000012636861726c696540646f6d61696e2e63" +
        "6f6d610000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000563000c5a00646179726f6c65636f" +
        "6c6f7273616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b01010003000000" +
        "0000000012636861726c696540646f6d61696e2e636f6d220000000005242e646179080c066d6f6e6461790210242e6661766f72697465" +
        "5f636f6c6f720004000000000000000e64616e40646f6d61696e2e636f6d610000000005006000270003002a0004002e00050033000600" +
        "39000e000c47000c4e000c56000563000c5a00646179726f6c65636f6c6f7273616c6172796661766f726974655f636f6c6f7206667269" +
        "646179076d616e616765720372656405626c61636b01010004000000000000000e64616e40646f6d61696e2e636f6d220000000005242e" +
        "646179080c066d6f6e6461790210242e6661766f726974655f636f6c6f720005000000000000000e65766540646f6d61696e2e636f6d61" +
        "0000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000564000c5a00646179726f6c65636f6c6f72" +
        "73616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b01010005000000000000" +
        "000e65766540646f6d61696e2e636f6d220000000005242e646179080c066d6f6e6461790210242e6661766f726974655f636f6c6f72";

    // INSERT and REMOVE and REPLACE: 1 row(s); Vitess renders the after-image JSON as "JSON_INSERT(JSON_REMOVE(JSON_REPLACE(%s, _utf8mb4'$.day', CAST(JSON_QUOTE(_utf8mb4'tuesday') as JSON)), _utf8mb4'$.favorite_color'), _utf8mb4'$.hobby', CAST(JSON_QUOTE(_utf8mb4'skiing') as JSON))"
    private const string Partial4 =
        "30195767272f8e8f0cea000000007500000000b000000000000100020003ffff00030000000000000012636861726c696540646f6d6169" +
        "6e2e636f6d4f0000000004004e002000030023000400270006002d000e000c3b000c42000563000c4a00646179726f6c6573616c617279" +
        "6661766f726974655f636f6c6f72066d6f6e646179076d616e6167657203726564010100030000000000000012636861726c696540646f" +
        "6d61696e2e636f6d350000000005242e646179090c07747565736461790210242e6661766f726974655f636f6c6f720107242e686f6262" +
        "79080c06736b69696e67";

    // REPLACE with null: 1 row(s); Vitess renders the after-image JSON as "JSON_REPLACE(%s, _utf8mb4'$.salary', CAST(_utf8mb4'null' as JSON))"
    private const string Partial5 =
        "941a5767272f8e8f0c900000009e7600000000b000000000000100020003ffff0004000000000000000e64616e40646f6d61696e2e636f" +
        "6d25000000000200240012000400160006000c1c00056300726f6c6573616c617279076d616e6167657201010004000000000000000e64" +
        "616e40646f6d61696e2e636f6d0d0000000008242e73616c617279020400";

    // REPLACE 2 paths: 1 row(s); Vitess renders the after-image JSON as "JSON_REPLACE(JSON_REPLACE(%s, _utf8mb4'$.salary', CAST(110 as JSON)), _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'IC') as JSON))"
    private const string Partial6 =
        "20205767271a2d4e759e000000916a00000000b000000000000100020003ffff0004000000000000000e64616e40646f6d61696e2e636f" +
        "6d25000000000200240012000400160006000c1c00056300726f6c6573616c617279076d616e6167657201010004000000000000000e64" +
        "616e40646f6d61696e2e636f6d1b0000000008242e73616c61727903056e000006242e726f6c65040c024943";

    // JSON null: 1 row(s); Vitess renders the after-image JSON as "null"
    private const string Partial7 =
        "6dc8586727395bba00c2000000000000000000b2000000000001000200030707000500000000000000116e657765766540646f6d61696e" +
        "2e636f6d610000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000564000c5a00646179726f6c65" +
        "636f6c6f7273616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b0000050000" +
        "0000000000116e657765766540646f6d61696e2e636f6d020000000400";

    // null literal string: 1 row(s); Vitess renders the after-image JSON as "\"null\""
    private const string Partial8 =
        "b2a859672725bf89126900000000000000000099000000000001000200030707040a00000000000000156d6c6f726440706c616e657473" +
        "63616c652e636f6d00000a00000000000000156d6c6f726440706c616e65747363616c652e636f6d060000000c046e756c6c";

    // JSON object: 1 row(s); Vitess renders the after-image JSON as "JSON_INSERT(%s, _utf8mb4'$.misc', CAST(JSON_QUOTE(_utf8mb4'{\"address\":\"1012 S Park\", \"town\":\"Hastings\", \"state\":\"MI\"}') as JSON))"
    private const string Partial9 =
        "d0a0596727ca3bd644f200000000000000000099000000000001000200030707000100000000000000136e6577616c69636540646f6d61" +
        "696e2e636f6d4900000000040048002000030023000400270005002c0006000c32000c3c000c4400056400646179726f6c65636f6c6f72" +
        "73616c617279097765646e6573646179076d616e61676572037265640101000100000000000000136e6577616c69636540646f6d61696e" +
        "2e636f6d450000000106242e6d6973633c0c3a7b2261646472657373223a22313031322053205061726b222c2022746f776e223a224861" +
        "7374696e6773222c20227374617465223a224d49227d";

    // JSON field not updated: 5 row(s); Vitess renders the after-image JSON as ""
    private const string Partial10 =
        "c24a6467272e9085364d0300004d80000000009900000000000100020003ffff000100000000000000136e6577616c69636540646f6d61" +
        "696e2e636f6d610000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000564000c5a00646179726f" +
        "6c65636f6c6f7273616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b010100" +
        "6500000000000000136e6577616c69636540646f6d61696e2e636f6d00000000000200000000000000116e6577626f6240646f6d61696e" +
        "2e636f6d610000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000563000c5a00646179726f6c65" +
        "636f6c6f7273616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b0101006600" +
        "000000000000116e6577626f6240646f6d61696e2e636f6d00000000000300000000000000156e6577636861726c696540646f6d61696e" +
        "2e636f6d590000000005005800270003002a0004002e00050033000500380006000c3e000c45000c4d000c5100056300646179726f6c65" +
        "636f6c6f72686f62627973616c617279066d6f6e646179076d616e616765720372656406736b69696e670101006700000000000000156e" +
        "6577636861726c696540646f6d61696e2e636f6d00000000000400000000000000116e657764616e40646f6d61696e2e636f6d61000000" +
        "0005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000563000c5a00646179726f6c65636f6c6f7273616c" +
        "6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b0101006800000000000000116e" +
        "657764616e40646f6d61696e2e636f6d00000000000500000000000000116e657765766540646f6d61696e2e636f6d6100000000050060" +
        "00270003002a0004002e0005003300060039000e000c47000c4e000c56000564000c5a00646179726f6c65636f6c6f7273616c61727966" +
        "61766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b0101006900000000000000116e65776576" +
        "6540646f6d61696e2e636f6d00000000";
}
