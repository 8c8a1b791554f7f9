using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;
using static VGate.MySql.Tests.Binlog.Rows.CellTestHelpers;

namespace VGate.MySql.Tests.Binlog.Rows;

public sealed class ColumnValueDecoderTests
{
    public static TheoryData<string, ColumnType, ColumnType, int, bool, int, string?, string?, string, string> MariaDbCells => MariaDbCellFixtures.Cells;

    [Theory]
    [MemberData(nameof(MariaDbCells))]
    public void WriteText_MariaDbCell_MatchesSelectOutput(string name, ColumnType type, ColumnType wireType, int metadata, bool unsigned,
        int collation, string? enumValues, string? setValues, string cellHex, string expected)
    {
        Assert.NotEmpty(name);
        var column = Column(type, metadata, unsigned, collation, Members(enumValues), Members(setValues), wireType);
        AssertBytes(expected, WriteText(column, cellHex));
    }

    // MySQL-written cells, extracted offline from ../shared/fixtures/mysql/binlogs/rust_mysql_common/ (see PROVENANCE.md).
    [Theory]
    [InlineData("time_issue.000001 (8.0.40) TIME", ColumnType.Time2, 0, false, 0, "6043e5", "-507:48:27")]
    [InlineData("mysql_type_bit.000001 (8.0.26) BIT(3)", ColumnType.Bit, 3, false, 0, "04", "hex:04")]
    [InlineData("mysql_type_bit.000001 (8.0.26) TEXT", ColumnType.Blob, 2, false, 255, "0300666f6f", "foo")]
    [InlineData("mysql_type_bit.000001 (8.0.26) BIT(8)", ColumnType.Bit, 256, false, 0, "20", "hex:20")]
    [InlineData("minimal_row_metadata.000001 (8.0.40) INT UNSIGNED", ColumnType.Long, 0, true, 0, "d3f988c0", "3230202323")]
    [InlineData("minimal_row_metadata.000001 (8.0.40) INT read as signed", ColumnType.Long, 0, false, 0, "d3f988c0", "-1064764973")]
    [InlineData("vector.binlog (9.0.1) VECTOR(3)", ColumnType.Vector, 4, false, 63, "0c000000cdcc8c3fcdcc0c4033335340", "hex:CDCC8C3FCDCC0C4033335340")]
    [InlineData("vector.binlog (9.0.1) VECTOR(3) row 2", ColumnType.Vector, 4, false, 63, "0c0000000000803f000080bf00000000", "hex:0000803F000080BF00000000")]
    [InlineData("json-opaque.binlog (9.0.1) varchar opaque", ColumnType.Json, 4, false, 0, "100000000001000f000b0001000f0c00610f0155", "{\"a\": \"base64:type15:VQ==\"}")]
    [InlineData("json-opaque.binlog (9.0.1) date opaque", ColumnType.Json, 4, false, 0, "1700000000010016000b0001000f0c00620a080000000000e48b19", "{\"b\": \"2012-03-18\"}")]
    [InlineData("json-opaque.binlog (9.0.1) datetime opaque", ColumnType.Json, 4, false, 0, "1700000000010016000b0001000f0c00630c08000000adb7e48b19", "{\"c\": \"2012-03-18 11:30:45.000000\"}")]
    [InlineData("json-opaque.binlog (9.0.1) time opaque", ColumnType.Json, 4, false, 0, "1700000000010016000b0001000f0c00630b08f1fb09ee77050000", "{\"c\": \"87:31:46.654321\"}")]
    [InlineData("json-opaque.binlog (9.0.1) decimal opaque", ColumnType.Json, 4, false, 0, "1500000000010014000b0001000f0c0064f6060603807b01c8", "{\"d\": 123.456}")]
    [InlineData("json-opaque.binlog (9.0.1) decimal opaque 9.00", ColumnType.Json, 4, false, 0, "1600000000010015000b0001000f0c0065f6070b028000000900", "{\"e\": 9.00}")]
    [InlineData("json-opaque.binlog (9.0.1) array", ColumnType.Json, 4, false, 0, "1d0000000001001c000b000100020c006504001000050000050100040100040200", "{\"e\": [0, 1, true, false]}")]
    [InlineData("json-opaque.binlog (9.0.1) null", ColumnType.Json, 4, false, 0, "0d0000000001000c000b00010004000065", "{\"e\": null}")]
    public void WriteText_MySqlFixtureCell_MatchesKnownValue(string source, ColumnType type, int metadata, bool unsigned, int collation, string cellHex, string expected)
    {
        Assert.NotEmpty(source);
        AssertBytes(expected, WriteText(Column(type, metadata, unsigned, collation), cellHex));
    }

    [Fact]
    public void GetPayload_VectorFixture_HoldsFloat32Values()
    {
        var payload = ColumnValueDecoder.GetPayload(Column(ColumnType.Vector, 4, collation: 63), Convert.FromHexString("0c000000cdcc8c3fcdcc0c4033335340")).ToArray();
        var floats = Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadSingleLittleEndian(payload.AsSpan(i * 4))).ToArray();
        Assert.Equal([1.1f, 2.2f, 3.3f], floats);
        Assert.Equal(ValueKind.Vector, ColumnValueDecoder.GetValueKind(Column(ColumnType.Vector, 4, collation: 63)));
    }

    [Fact]
    public void ToText_Latin1Column_DecodesAsWindows1252()
    {
        // MariaDB t_str.vcl row 1: CONVERT('café €‚ƒ„…†‡ˆ‰Š‹ŒŽ' USING latin1), collation 8 (latin1_swedish_ci).
        var column = Column(ColumnType.VarChar, 20, collation: 8);
        var text = ColumnValueDecoder.ToText(column, Convert.FromHexString("12636166e9208082838485868788898a8b8c8e"));
        Assert.Equal("café €‚ƒ„…†‡ˆ‰Š‹ŒŽ", text);
        // The five bytes cp1252 leaves undefined map to the C1 controls, as in MySQL's latin1.
        Assert.Equal("\u0081\u008d\u008f\u0090\u009d", ColumnValueDecoder.ToText(column, Convert.FromHexString("05818d8f909d")));
    }

    [Theory]
    [InlineData(ColumnType.String, 10494, 45, "0b68c3a96c6c6f20f09f9880", "héllo 😀")]
    [InlineData(ColumnType.String, 2302, 35, "060041006220ac", "Ab€")]
    [InlineData(ColumnType.VarChar, 40, 54, "08d83dde00006120ac", "😀a€")]
    [InlineData(ColumnType.VarChar, 40, 60, "080001d11e0000007a", "𝄞z")]
    [InlineData(ColumnType.String, 1534, 11, "056173636969", "ascii")]
    [InlineData(ColumnType.Blob, 1, 8, "0674696e7920fc", "tiny ü")]
    public void ToText_CharacterColumn_DecodesWithColumnCharset(ColumnType type, int metadata, int collation, string cellHex, string expected) =>
        Assert.Equal(expected, ColumnValueDecoder.ToText(Column(type, metadata, collation: collation), Convert.FromHexString(cellHex)));

    [Fact]
    public void ToText_BinaryColumn_MapsBytesOneToOneIncludingPadding()
    {
        var text = ColumnValueDecoder.ToText(Column(ColumnType.String, 1534, collation: 63), Convert.FromHexString("020102"));
        Assert.Equal("\u0001\u0002\0\0\0", text);
    }

    [Theory]
    [InlineData(ColumnType.Timestamp2, 6, "3b9aca0007a120", "2001-09-09 01:46:40.500000")]
    [InlineData(ColumnType.NewDecimal, 1044, "7fffffffffffff84ee6b", "-123.4500")]
    [InlineData(ColumnType.Enum, 503, "02", "b")]
    [InlineData(ColumnType.Set, 504, "05", "x,z")]
    [InlineData(ColumnType.Double, 8, "408cb5781daf1544", "1e20")]
    public void ToText_NonCharacterColumn_ReturnsTextForm(ColumnType type, int metadata, string cellHex, string expected)
    {
        var column = Column(type, metadata, enumValues: ["a", "b", "c"], setValues: ["x", "y", "z"]);
        Assert.Equal(expected, ColumnValueDecoder.ToText(column, Convert.FromHexString(cellHex)));
    }

    [Theory]
    [InlineData(ColumnType.Enum, "02", "2")]
    [InlineData(ColumnType.Enum, "2c01", "300")]
    [InlineData(ColumnType.Set, "05", "5")]
    [InlineData(ColumnType.Set, "0100008001000080", "9223372043297226753")]
    public void WriteText_EnumOrSetWithoutMemberNames_WritesNumber(ColumnType type, string cellHex, string expected) =>
        AssertBytes(expected, WriteText(Column(type, type == ColumnType.Enum ? 0x01F7 : 0x01F8), cellHex));

    [Fact]
    public void WriteText_EnumIndexBeyondMembers_WritesNumber() =>
        AssertBytes("4", WriteText(Column(ColumnType.Enum, 0x01F7, enumValues: ["a", "b"]), "04"));

    [Fact]
    public void WriteText_BinaryCharWithoutCollation_KeepsStoredBytes() =>
        AssertBytes("hex:0102", WriteText(Column(ColumnType.String, 1534), "020102"));

    [Fact]
    public void WriteText_NullType_WritesNothing() =>
        Assert.Empty(WriteText(Column(ColumnType.Null), ""));

    [Fact]
    public void WriteText_FixedSizeTypes_DoNotAllocate()
    {
        var output = new ArrayBufferWriter<byte>(256);
        var intColumn = Column(ColumnType.LongLong);
        var doubleColumn = Column(ColumnType.Double, 8);
        var decimalColumn = Column(ColumnType.NewDecimal, 1044);
        var timeColumn = Column(ColumnType.DateTime2, 6);
        var intCell = Convert.FromHexString("0000000000000080");
        var doubleCell = Convert.FromHexString("8b53e2e5bff7e03d");
        var decimalCell = Convert.FromHexString("7fffffffffffff84ee6b");
        var timeCell = Convert.FromHexString("99b2bb7efb0f423f");
        void WriteAll()
        {
            output.ResetWrittenCount();
            ColumnValueDecoder.WriteText(intColumn, intCell, output);
            ColumnValueDecoder.WriteText(doubleColumn, doubleCell, output);
            ColumnValueDecoder.WriteText(decimalColumn, decimalCell, output);
            ColumnValueDecoder.WriteText(timeColumn, timeCell, output);
        }
        WriteAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            WriteAll();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal("-92233720368547758080.00000000012345678901234568-123.45002024-02-29 23:59:59.999999", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData(ColumnType.Tiny, false, "80", -128L)]
    [InlineData(ColumnType.Int24, false, "000080", -8388608L)]
    [InlineData(ColumnType.Int24, true, "ffffff", 16777215L)]
    [InlineData(ColumnType.LongLong, false, "0000000000000080", long.MinValue)]
    [InlineData(ColumnType.Long, true, "d3f988c0", 3230202323L)]
    public void GetInt64_IntegerCell_ReturnsValue(ColumnType type, bool unsigned, string cellHex, long expected) =>
        Assert.Equal(expected, ColumnValueDecoder.GetInt64(Column(type, unsigned: unsigned), Convert.FromHexString(cellHex)));

    [Fact]
    public void GetUInt64_UnsignedBigIntMax_ReturnsValueAndGetInt64Overflows()
    {
        var column = Column(ColumnType.LongLong, unsigned: true);
        var cell = Convert.FromHexString("ffffffffffffffff");
        Assert.Equal(ulong.MaxValue, ColumnValueDecoder.GetUInt64(column, cell));
        Assert.Throws<OverflowException>(() => ColumnValueDecoder.GetInt64(column, cell));
        Assert.Throws<OverflowException>(() => ColumnValueDecoder.GetUInt64(Column(ColumnType.Tiny), [0xFF]));
    }

    [Fact]
    public void GetUInt64_BitYearEnumSet_ReturnsNumbers()
    {
        Assert.Equal(0x0123456789ABCDEFUL, ColumnValueDecoder.GetUInt64(Column(ColumnType.Bit, 2048), Convert.FromHexString("0123456789abcdef")));
        Assert.Equal(2024UL, ColumnValueDecoder.GetUInt64(Column(ColumnType.Year), [0x7c]));
        Assert.Equal(300UL, ColumnValueDecoder.GetUInt64(Column(ColumnType.Enum, 0x02F7), [0x2c, 0x01]));
        Assert.Equal(0x80000001_80000001UL, ColumnValueDecoder.GetUInt64(Column(ColumnType.Set, 0x08F8), Convert.FromHexString("0100008001000080")));
    }

    [Fact]
    public void GetDouble_FloatAndDouble_ReturnValues()
    {
        Assert.Equal(1.5, ColumnValueDecoder.GetDouble(Column(ColumnType.Float, 4), Convert.FromHexString("0000c03f")));
        Assert.Equal(1e20, ColumnValueDecoder.GetDouble(Column(ColumnType.Double, 8), Convert.FromHexString("408cb5781daf1544")));
        Assert.Throws<InvalidOperationException>(() => ColumnValueDecoder.GetDouble(Column(ColumnType.Long), new byte[4]));
    }

    [Fact]
    public void GetDecimal_Decimal65_ReturnsStringAndOverflowsDecimal()
    {
        var column = Column(ColumnType.NewDecimal, 7745);
        var cell = Convert.FromHexString("80bc614e35b7bf87350e34c02f075f79075bcd1500bc614e35b7bf87037a");
        Assert.Equal("12345678901234567890123456789012345.123456789012345678901234567890", ColumnValueDecoder.GetDecimalString(column, cell));
        Assert.Throws<OverflowException>(() => ColumnValueDecoder.GetDecimal(column, cell));
        Assert.Equal(-1234567890123456.45m, ColumnValueDecoder.GetDecimal(Column(ColumnType.NewDecimal, 1044), Convert.FromHexString("7fed2978caf1cb3fee6b")));
    }

    // MariaDB collations above 255 (NO PAD variants at base + 1024, the 5.2 language collations at 576+). Cells captured
    // from MariaDB 10.11.19: VARCHAR(10) columns holding 'é€ÿ', 'Čž€', 'Ž😀' and 'čć€' (HEX() from SELECT matches).
    [Theory]
    [InlineData(10, 1071, "03e980ff", "é€ÿ")] // latin1_nopad_bin: Windows-1252, not UTF-8
    [InlineData(20, 640, "06010c017e20ac", "Čž€")] // ucs2_croatian_ci: UCS-2 big-endian
    [InlineData(40, 1078, "06017dd83dde00", "Ž😀")] // utf16_general_nopad_ci: UTF-16 big-endian
    [InlineData(30, 576, "07c48dc487e282ac", "čć€")] // utf8mb3_croatian_ci
    public void ToText_MariaDbCollationAbove255_DecodesWithItsCharset(int metadata, int collation, string cellHex, string expected)
    {
        var column = Column(ColumnType.VarChar, metadata, collation: collation);
        Assert.Equal(ValueKind.Text, ColumnValueDecoder.GetValueKind(column));
        Assert.Equal(expected, ColumnValueDecoder.ToText(column, Convert.FromHexString(cellHex)));
    }

    [Theory]
    [InlineData(1071, "latin1")]
    [InlineData(1070, "utf8mb4")] // utf8mb4_nopad_bin
    [InlineData(1270, "utf8mb4")] // utf8mb4_unicode_520_nopad_ci
    [InlineData(609, "utf8mb4")] // utf8mb4_myanmar_ci
    [InlineData(738, "utf32")] // utf32_thai_520_w2
    [InlineData(2047, null)]
    public void GetCharsetName_MariaDbCollationId_ReturnsCharset(int collation, string? expected) =>
        Assert.Equal(expected, MySqlCharsets.GetCharsetName(collation));

    // MariaDB allows a scale up to 38 (MySQL 30). Cells captured from MariaDB 10.11.19 (tools/extract_row_cells.py):
    // CREATE TABLE dec38 (id INT PRIMARY KEY, a DECIMAL(38,38), b DECIMAL(65,38)), values as SELECT returned them.
    [Theory]
    [InlineData(9766, "875bcd1500bc614e35b7bf87350e34c04e", "0.12345678901234567890123456789012345678")]
    [InlineData(9766, "44653600c4653600c4653600c46536009c", "-0.99999999999999999999999999999999999999")]
    [InlineData(9793, "875bcd1500bc614e35b7bf87075bcd1500bc614e35b7bf87350e34c04e", "123456789012345678901234567.12345678901234567890123456789012345678")]
    [InlineData(9793, "7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffe", "-0.00000000000000000000000000000000000001")]
    public void WriteText_MariaDbDecimalScale38_DecodesExactly(int metadata, string cellHex, string expected)
    {
        var column = Column(ColumnType.NewDecimal, metadata);
        var cell = Convert.FromHexString(cellHex);
        Assert.Equal(cell.Length, CellLength.Of(column, cell));
        Assert.Equal(expected, ColumnValueDecoder.ToText(column, cell));
        Assert.Equal(expected, ColumnValueDecoder.GetDecimalString(column, cell));
    }

    [Theory]
    [InlineData(ColumnType.Tiny, false, 0, 0, ValueKind.Integer)]
    [InlineData(ColumnType.LongLong, true, 0, 0, ValueKind.UnsignedInteger)]
    [InlineData(ColumnType.Year, false, 0, 0, ValueKind.Integer)]
    [InlineData(ColumnType.Float, false, 4, 0, ValueKind.Float)]
    [InlineData(ColumnType.NewDecimal, false, 0x020A, 0, ValueKind.Decimal)]
    [InlineData(ColumnType.Time2, false, 3, 0, ValueKind.Temporal)]
    [InlineData(ColumnType.Timestamp, false, 0, 0, ValueKind.Temporal)]
    [InlineData(ColumnType.VarChar, false, 20, 45, ValueKind.Text)]
    [InlineData(ColumnType.VarChar, false, 20, 0, ValueKind.Text)]
    [InlineData(ColumnType.VarChar, false, 20, 63, ValueKind.Binary)]
    [InlineData(ColumnType.Blob, false, 2, 8, ValueKind.Text)]
    [InlineData(ColumnType.Blob, false, 2, 63, ValueKind.Binary)]
    [InlineData(ColumnType.Blob, false, 2, 0, ValueKind.Binary)]
    [InlineData(ColumnType.Json, false, 4, 0, ValueKind.Json)]
    [InlineData(ColumnType.Enum, false, 0x01F7, 0, ValueKind.Enum)]
    [InlineData(ColumnType.Set, false, 0x01F8, 0, ValueKind.Set)]
    [InlineData(ColumnType.Bit, false, 1, 0, ValueKind.Bit)]
    [InlineData(ColumnType.Geometry, false, 4, 0, ValueKind.Geometry)]
    [InlineData(ColumnType.Null, false, 0, 0, ValueKind.Null)]
    public void GetValueKind_Column_ReturnsKind(ColumnType type, bool unsigned, int metadata, int collation, ValueKind expected) =>
        Assert.Equal(expected, ColumnValueDecoder.GetValueKind(Column(type, metadata, unsigned, collation)));

    [Theory]
    [InlineData(ColumnType.NewDecimal, 1044, "7fffffffffffff84ee")] // DECIMAL(20,4) needs 10 bytes
    [InlineData(ColumnType.NewDecimal, 1044, "80000000000000000000ff")] // one byte too many
    [InlineData(ColumnType.NewDecimal, 522, "80ffffffff")] // digit group 4294967295 > 8 digits
    [InlineData(ColumnType.NewDecimal, 0x4141, "80")] // scale 65 > 38
    [InlineData(ColumnType.NewDecimal, 0x2726, "80")] // DECIMAL(38,39): scale > precision
    [InlineData(ColumnType.Time2, 6, "b46efb0f42")] // TIME(6) needs 6 bytes
    [InlineData(ColumnType.Time2, 7, "b46efb0f4236ff")] // fsp 7
    [InlineData(ColumnType.Time2, 5, "800000ffffff")] // fraction 16777215 µs
    [InlineData(ColumnType.DateTime2, 0, "99b2bb7e")]
    [InlineData(ColumnType.Timestamp2, 3, "65e11a7f27")]
    [InlineData(ColumnType.Date, 0, "5dd0")]
    [InlineData(ColumnType.Long, 0, "010203")]
    [InlineData(ColumnType.Double, 8, "000000000000f0")]
    [InlineData(ColumnType.VarChar, 20, "05616263")] // prefix says 5, 3 present
    [InlineData(ColumnType.VarChar, 300, "05")] // 2-byte prefix cut
    [InlineData(ColumnType.Blob, 4, "ffffffff61")]
    [InlineData(ColumnType.Json, 4, "0300000000")] // JSON payload shorter than its prefix
    [InlineData(ColumnType.Json, 4, "0300000000ff00")] // object size 255 > 2 bytes present
    [InlineData(ColumnType.Enum, 0x01F7, "010203")]
    [InlineData(ColumnType.Bit, 0x0101, "01")] // BIT(9) needs 2 bytes
    [InlineData(ColumnType.Decimal, 0, "00")] // old DECIMAL never appears in row images
    public void WriteText_MalformedCell_ThrowsBinlogFormatException(ColumnType type, int metadata, string cellHex) =>
        Assert.Throws<BinlogFormatException>(() => WriteText(Column(type, metadata), cellHex));
}
