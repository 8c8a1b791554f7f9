using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using VGate.Cli.Output;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.Cli.Tests;

/// <summary>
/// The JSON form of single values, for what a server cannot produce on demand: every float32/float64 bit pattern
/// class (random, subnormal, extremes) must read back to the same bits, and NaN/infinity (which MySQL cannot store,
/// so only a damaged binlog holds them) must be a clear error rather than invalid JSON.
/// </summary>
public sealed class ColumnValueJsonWriterTests
{
    private static readonly ColumnInfo FloatColumn = new() { Index = 0, Type = ColumnType.Float, WireType = ColumnType.Float, Metadata = 4, IsNullable = true, Name = "f" };
    private static readonly ColumnInfo DoubleColumn = new() { Index = 0, Type = ColumnType.Double, WireType = ColumnType.Double, Metadata = 8, IsNullable = true, Name = "d" };

    private static string Write(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output))
            ColumnValueJsonWriter.Write(json, column, cell, new ArrayBufferWriter<byte>());
        var text = System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
        using var document = JsonDocument.Parse(text); // must be valid JSON
        Assert.Equal(JsonValueKind.Number, document.RootElement.ValueKind);
        return text;
    }

    public static TheoryData<uint> EdgeFloatBits => new()
    {
        0x00000000, // +0
        0x80000000, // -0
        0x00000001, // smallest subnormal (1.4e-45)
        0x007FFFFF, // largest subnormal
        0x00800000, // FLT_MIN
        0x7F7FFFFF, // FLT_MAX
        0xFF7FFFFF, // -FLT_MAX
        0x3F800000, // 1
        0x3F800001, // next after 1
        0x3DCCCCCD, // 0.1f
        0x4B800001, // 16777218 (2^24 + 2)
        0x49969B38, // 1234567 (SELECT shows 1234570)
    };

    [Theory]
    [MemberData(nameof(EdgeFloatBits))]
    public void Write_FloatEdgeBitPattern_ReadsBackAsTheSameFloat32(uint bits)
    {
        AssertFloatRoundTrip(bits);
    }

    [Fact]
    public void Write_RandomFloat32BitPatterns_EachReadsBackAsTheSameFloat32WithAtMostNineDigits()
    {
        var random = new Random(20261207);
        for (var i = 0; i < 200_000; i++)
        {
            var bits = (uint)random.NextInt64(0, 1L << 32);
            if (!float.IsFinite(BitConverter.UInt32BitsToSingle(bits)))
                continue;
            var text = AssertFloatRoundTrip(bits);
            var mantissa = text.Split('E', 'e')[0];
            var digits = new string(mantissa.Where(char.IsAsciiDigit).ToArray()).Trim('0').Length;
            Assert.True(digits <= 9, $"0x{bits:X8} printed {text}: more digits than a float32 needs");
        }
    }

    [Fact]
    public void Write_RandomAndEdgeFloat64BitPatterns_EachReadsBackAsTheSameDouble()
    {
        var random = new Random(20261208);
        var patterns = new List<ulong> { 0, 0x8000000000000000, 1, 0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF, 0x3FB999999999999A };
        for (var i = 0; i < 200_000; i++)
            patterns.Add((ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63));
        Span<byte> cell = stackalloc byte[8];
        foreach (var bits in patterns)
        {
            var value = BitConverter.UInt64BitsToDouble(bits);
            if (!double.IsFinite(value))
                continue;
            BinaryPrimitives.WriteUInt64LittleEndian(cell, bits);
            var text = Write(DoubleColumn, cell);
            var back = BitConverter.DoubleToUInt64Bits(double.Parse(text, CultureInfo.InvariantCulture));
            Assert.True(bits == back, $"0x{bits:X16} printed {text}, which reads back as 0x{back:X16}");
        }
    }

    [Theory]
    [InlineData(0x7FC00000u)] // NaN
    [InlineData(0x7F800000u)] // +infinity
    [InlineData(0xFF800000u)] // -infinity
    public void Write_FloatNotFinite_ThrowsFormatExceptionSayingWhy(uint bits)
    {
        var cell = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(cell, bits);
        var output = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(output);

        var error = Assert.Throws<FormatException>(() => ColumnValueJsonWriter.Write(json, FloatColumn, cell, new ArrayBufferWriter<byte>()));

        Assert.Contains("JSON cannot represent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_DoubleNaN_ThrowsFormatException()
    {
        var cell = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(cell, double.NaN);
        var output = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(output);

        var error = Assert.Throws<FormatException>(() => ColumnValueJsonWriter.Write(json, DoubleColumn, cell, new ArrayBufferWriter<byte>()));

        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ValueRenderException_NamesEventTableAndColumn()
    {
        var error = ValueRenderException.Create("write_rows", "mariadb-bin.000001", 1234, "shop", "orders", "price", "Float", new FormatException("the value is NaN"));

        Assert.Equal("cannot print column 'price' (Float) of shop.orders in the write_rows event ending at mariadb-bin.000001:1234: the value is NaN", error.Message);
    }

    private static string AssertFloatRoundTrip(uint bits)
    {
        var cell = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(cell, bits);
        var text = Write(FloatColumn, cell);
        var back = BitConverter.SingleToUInt32Bits(float.Parse(text, CultureInfo.InvariantCulture));
        Assert.True(bits == back, $"0x{bits:X8} printed {text}, which reads back as 0x{back:X8}");
        // A reader with only doubles (JavaScript's JSON.parse, then Math.fround) gets the same float.
        var viaDouble = BitConverter.SingleToUInt32Bits((float)double.Parse(text, CultureInfo.InvariantCulture));
        Assert.True(bits == viaDouble, $"0x{bits:X8} printed {text}, which read as a double and rounded to float32 is 0x{viaDouble:X8}");
        return text;
    }
}
