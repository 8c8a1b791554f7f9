using System.Buffers;
using System.Text;
using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Tests.Binlog.Rows;

public sealed class JsonBinaryDecoderTests
{
    /// <summary>
    /// The 37 JSONB vectors of Vitess go/mysql/binlog/binlog_json_test.go (TestBinaryJSON, TestMarshalJSONToSQL),
    /// planetscale/vitess 1d670644a34362206e3a63e67224db4fbe55ae2b, Apache-2.0, copied from
    /// ../shared/fixtures/mysql/vectors/json_binary_vitess.json: label, value hex (after the 4-byte length prefix),
    /// expected MySQL JSON text (Vitess's compact label re-spaced the way MySQL prints it; DECIMAL opaque unquoted;
    /// BIT/VARCHAR/BLOB opaques in MySQL's "base64:typeN:" form) and expected Vitess SQL rendering.
    /// The three opaque cases deviate from Vitess's SQL: Vitess includes the opaque length byte 0x02 in the literal
    /// (x'02CAFE', b'101100101011111110'); the opaque data is only CA FE.
    /// </summary>
    public static TheoryData<string, string, string, string> VitessVectors => new()
    {
        { "null", "", "null", "CAST(_utf8mb4'null' as JSON)" },
        { "object {\"a\": \"b\"}", "0001000e000b0001000c0c00610162", "{\"a\": \"b\"}", "JSON_OBJECT(_utf8mb4'a', _utf8mb4'b')" },
        { "object {\"a\": 2}", "0001000c000b00010005020061", "{\"a\": 2}", "JSON_OBJECT(_utf8mb4'a', 2)" },
        { "nested object {\"asdf\":{\"foo\":123}}", "0001001d000b000400000f006173646601000e000b000300057b00666f6f", "{\"asdf\": {\"foo\": 123}}", "JSON_OBJECT(_utf8mb4'asdf', JSON_OBJECT(_utf8mb4'foo', 123))" },
        { "array [1,2]", "0202000a00050100050200", "[1, 2]", "JSON_ARRAY(1, 2)" },
        { "complex {\"a\":\"b\",\"c\":\"d\",\"ab\":\"abc\",\"bc\"", "0004003c00200001002100010022000200240002000c26000c28000c2a00022e00616361626263016201640361626302000e000c0a000c0c0001780179", "{\"a\": \"b\", \"c\": \"d\", \"ab\": \"abc\", \"bc\": [\"x\", \"y\"]}", "JSON_OBJECT(_utf8mb4'a', _utf8mb4'b', _utf8mb4'ab', _utf8mb4'abc', _utf8mb4'bc', JSON_ARRAY(_utf8mb4'x', _utf8mb4'y'), _utf8mb4'c', _utf8mb4'd')" },
        { "array [\"here\"]", "02010025000c0800000468657265", "[\"here\"]", "JSON_ARRAY(_utf8mb4'here')" },
        { "array [\"here\",[\"I\",\"am\"],\"!!!\"]", "02030025000c0d000212000c2100046865726502000f000c0a000c0c00014902616d03212121", "[\"here\", [\"I\", \"am\"], \"!!!\"]", "JSON_ARRAY(_utf8mb4'here', JSON_ARRAY(_utf8mb4'I', _utf8mb4'am'), _utf8mb4'!!!')" },
        { "scalar \"scalar string\"", "0c0d7363616c617220737472696e67", "\"scalar string\"", "CAST(JSON_QUOTE(_utf8mb4'scalar string') as JSON)" },
        { "object {\"scopes\":\"AAAAAAAAAAAAAAAAAAAAAA", "00010095000b0006000c110073636f70657382014141414141414141414141414141414141414141414141414141414141424141414141414141414141414141414141414141414141414141414141414141414141414141414141424141414141414141414141414141414141454141414141414541414141414138414141426741414141414142414141414341414141414141414154d88eb8", "{\"scopes\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAEAAAAAAEAAAAAA8AAABgAAAAAABAAAACAAAAAAAAA\"}", "JSON_OBJECT(_utf8mb4'scopes', _utf8mb4'AAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAEAAAAAAEAAAAAA8AAABgAAAAAABAAAACAAAAAAAAA')" },
        { "scalar \"scalar stringscalar stringscalar", "0c82017363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e677363616c617220737472696e67", "\"scalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar string\"", "CAST(JSON_QUOTE(_utf8mb4'scalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar stringscalar string') as JSON)" },
        { "true", "0401", "true", "CAST(_utf8mb4'true' as JSON)" },
        { "false", "0402", "false", "CAST(_utf8mb4'false' as JSON)" },
        { "null", "0400", "null", "CAST(_utf8mb4'null' as JSON)" },
        { "-1", "05ffff", "-1", "CAST(-1 as JSON)" },
        { "1", "060100", "1", "CAST(1 as JSON)" },
        { "32767", "05ff7f", "32767", "CAST(32767 as JSON)" },
        { "32768", "0700800000", "32768", "CAST(32768 as JSON)" },
        { "-32769", "07ff7fffff", "-32769", "CAST(-32769 as JSON)" },
        { "2147483647", "07ffffff7f", "2147483647", "CAST(2147483647 as JSON)" },
        { "32768", "0800800000", "32768", "CAST(32768 as JSON)" },
        { "2147483648", "090000008000000000", "2147483648", "CAST(2147483648 as JSON)" },
        { "-2147483648", "0700000080", "-2147483648", "CAST(-2147483648 as JSON)" },
        { "-2147483649", "09ffffff7fffffffff", "-2147483649", "CAST(-2147483649 as JSON)" },
        { "18446744073709551615", "0affffffffffffffff", "18446744073709551615", "CAST(18446744073709551615 as JSON)" },
        { "-9223372036854775808", "090000000000000080", "-9223372036854775808", "CAST(-9223372036854775808 as JSON)" },
        { "3.14159", "0b6e861bf0f9210940", "3.14159", "CAST(3.14159 as JSON)" },
        { "empty object {}", "0000000400", "{}", "JSON_OBJECT()" },
        { "empty array []", "0200000400", "[]", "JSON_ARRAY()" },
        { "datetime \"2015-01-15 23:24:25.000000\"", "0f0c0800000019761f9519", "\"2015-01-15 23:24:25.000000\"", "CAST(timestamp '2015-01-15 23:24:25.000000' as JSON)" },
        { "time \"23:24:25.000000\"", "0f0b080000001976010000", "\"23:24:25.000000\"", "CAST(time '23:24:25.000000' as JSON)" },
        { "time \"23:24:25.120000\"", "0f0b08c0d4011976010000", "\"23:24:25.120000\"", "CAST(time '23:24:25.120000' as JSON)" },
        { "date \"2015-01-15\"", "0f0a0800000000001e9519", "\"2015-01-15\"", "CAST(date '2015-01-15' as JSON)" },
        { "decimal \"123456789.1234\"", "0ff6080d04875bcd1504d2", "123456789.1234", "CAST(123456789.1234 as JSON)" },
        { "bit literal [2 202 254]", "0f1002cafe", "\"base64:type16:yv4=\"", "CAST(b'1100101011111110' as JSON)" },
        { "opaque string [2 202 254]", "0f0f02cafe", "\"base64:type15:yv4=\"", "CAST(x'CAFE' as JSON)" },
        { "opaque blob [2 202 254]", "0ffc02cafe", "\"base64:type252:yv4=\"", "CAST(x'CAFE' as JSON)" },
    };

    [Theory]
    [MemberData(nameof(VitessVectors))]
    public void ToJson_VitessVector_MatchesMySqlText(string label, string hex, string expectedJson, string expectedSql)
    {
        Assert.NotEmpty(label);
        Assert.NotEmpty(expectedSql);
        Assert.Equal(expectedJson, JsonBinaryDecoder.ToJson(Convert.FromHexString(hex)));
    }

    [Theory]
    [MemberData(nameof(VitessVectors))]
    public void ToSqlExpression_VitessVector_MatchesVitessRendering(string label, string hex, string expectedJson, string expectedSql)
    {
        Assert.NotEmpty(label);
        Assert.NotEmpty(expectedJson);
        Assert.Equal(expectedSql, JsonBinaryDecoder.ToSqlExpression(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("0b000000000000f03f", "1.0")]
    [InlineData("0b0000000000000080", "-0.0")]
    [InlineData("0b408cb5781daf1544", "1e20")]
    [InlineData("0b9a9999999999b93f", "0.1")]
    [InlineData("0c0461225c0a", @"""a\""\\\n""")]
    [InlineData("0c03011f7f", "\"\\u0001\\u001f\u007f\"")]
    [InlineData("0c05c3a9e282ac", "\"é€\"")]
    public void ToJson_Scalar_UsesMySqlFormatting(string hex, string expected) =>
        Assert.Equal(expected, JsonBinaryDecoder.ToJson(Convert.FromHexString(hex)));

    [Fact]
    public void ToJson_LargeObjectAndArray_DecodesFourByteOffsets()
    {
        // Hand-built large object {"k": [7, 70000]}: large containers use 4-byte counts, sizes and offsets, and inline int32.
        var bytes = new List<byte> { 0x01 };
        // object: count, size, key entry (4-byte offset, 2-byte length), value entry (type 3 = large array, 4-byte offset)
        var keyOffset = 4 + 4 + 6 + 5;
        var arrayOffset = keyOffset + 1;
        var arrayBytes = new List<byte>();
        arrayBytes.AddRange(BitConverter.GetBytes(2)); // count
        arrayBytes.AddRange(BitConverter.GetBytes(8 + (2 * 5))); // size
        arrayBytes.Add(0x05); arrayBytes.AddRange(BitConverter.GetBytes(7)); // int16 7 inline (4 bytes in large)
        arrayBytes.Add(0x07); arrayBytes.AddRange(BitConverter.GetBytes(70000)); // int32 inline in large
        var objectSize = arrayOffset + arrayBytes.Count;
        bytes.AddRange(BitConverter.GetBytes(1));
        bytes.AddRange(BitConverter.GetBytes(objectSize));
        bytes.AddRange(BitConverter.GetBytes(keyOffset)); bytes.AddRange(BitConverter.GetBytes((ushort)1));
        bytes.Add(0x03); bytes.AddRange(BitConverter.GetBytes(arrayOffset));
        bytes.Add((byte)'k');
        bytes.AddRange(arrayBytes);
        Assert.Equal("{\"k\": [7, 70000]}", JsonBinaryDecoder.ToJson(bytes.ToArray()));
        Assert.Equal("JSON_OBJECT(_utf8mb4'k', JSON_ARRAY(7, 70000))", JsonBinaryDecoder.ToSqlExpression(bytes.ToArray()));
    }

    [Fact]
    public void ToSqlExpression_KeyWithQuote_IsEscaped()
    {
        // {"it's": "a\\b"}
        var bytes = Convert.FromHexString("00" + "0100" + "1300" + "0b000400" + "0c0f00" + "69742773" + "03615c62");
        Assert.Equal("{\"it's\": \"a\\\\b\"}", JsonBinaryDecoder.ToJson(bytes));
        Assert.Equal("JSON_OBJECT(_utf8mb4'it\\'s', _utf8mb4'a\\\\b')", JsonBinaryDecoder.ToSqlExpression(bytes));
    }

    [Fact]
    public void WriteJson_IntoBufferWriter_AppendsText()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("x="u8);
        JsonBinaryDecoder.WriteJson(Convert.FromHexString("0202000a00050100050200"), output);
        Assert.Equal("x=[1, 2]", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData("00")] // object header cut
    [InlineData("0001000e000b0001000c0c006101")] // string value runs past the end
    [InlineData("0001000e00ff0001000c0c00610162")] // key offset outside the object
    [InlineData("0001000e000b0001000cff00610162")] // value offset outside the object
    [InlineData("0001000e000b0001000c0000610162")] // value offset inside the header (would loop on itself)
    [InlineData("02ffff0400")] // 65535 elements in a 4-byte array
    [InlineData("0403")] // unknown literal
    [InlineData("0d00")] // unknown type
    [InlineData("05ff")] // int16 cut
    [InlineData("0b0000")] // double cut
    [InlineData("0c8080808080")] // string length longer than 5 bytes
    [InlineData("0cffffffff0f")] // string length 4 GiB
    [InlineData("0f0a0400000000")] // DATE opaque shorter than 8 bytes
    [InlineData("0ff603070b02")] // DECIMAL opaque cut
    [InlineData("0ff6020a0b")] // DECIMAL opaque with scale 11 > precision 10
    public void ToJson_Garbage_ThrowsBinlogFormatException(string hex) =>
        Assert.Throws<BinlogFormatException>(() => JsonBinaryDecoder.ToJson(Convert.FromHexString(hex)));

    [Fact]
    public void ToJson_DeeplyNested_ThrowsInsteadOfOverflowingTheStack()
    {
        // 200 nested single-element small arrays: [[[[...]]]]
        const int depth = 200;
        var bytes = new List<byte> { 0x02 };
        for (var i = 0; i < depth; i++)
        {
            var size = 4 + 3 + ((depth - i - 1) * 7) + 4;
            bytes.AddRange([1, 0, (byte)size, (byte)(size >> 8), 0x02, 7, 0]);
        }
        bytes.AddRange([0, 0, 4, 0]);
        Assert.Throws<BinlogFormatException>(() => JsonBinaryDecoder.ToJson(bytes.ToArray()));
    }
}
