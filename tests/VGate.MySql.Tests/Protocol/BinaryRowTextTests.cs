using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Tests.Protocol;

/// <summary>
/// <see cref="BinaryRowText"/> on the binary-protocol value examples of the MySQL protocol documentation
/// (page_protocol_binary_resultset) and on malformed rows. Values against the server's own text protocol, for every
/// type: CopyBinaryProtocolTests in VGate.VStreamer.Tests.
/// </summary>
public sealed class BinaryRowTextTests
{
    private const byte TypeLong = 3, TypeDouble = 5, TypeDateTime = 12, TypeTime = 11, TypeYear = 13, TypeVarString = 253;
    private const ushort Unsigned = 32, Zerofill = 64;

    private static string[] Render(byte[] row, params BinaryColumn[] columns)
    {
        var cells = new (int Offset, int Length)[columns.Length];
        var buffer = new byte[BinaryRowText.MaxRenderedLength(row, columns.Length)];
        BinaryRowText.Render(row, columns, cells, buffer);
        return cells.Select(c => c.Length < 0 ? "NULL" : Encoding.UTF8.GetString(buffer, c.Offset, c.Length)).ToArray();
    }

    [Fact]
    public void Render_DocumentationExamples_TextProtocolForms()
    {
        // Header 0x00, NULL bitmap of (5 + 7 + 2) / 8 = 1 byte (column 2, bit 4, is NULL), then the values: a DATETIME(6)
        // "0b da 07 0a 11 13 1b 1e 01 00 00 00" (2010-10-17 19:27:30.000001), a TIME(6) "0c 01 78 00 00 00 13 1b 1e 01 00 00 00"
        // (-120 days 19:27:30.000001), a LONG, and the DOUBLE 1.5; the NULL has no bytes.
        byte[] row =
        [
            0x00, 0b0001_0000,
            0x0b, 0xda, 0x07, 0x0a, 0x11, 0x13, 0x1b, 0x1e, 0x01, 0x00, 0x00, 0x00,
            0x0c, 0x01, 0x78, 0x00, 0x00, 0x00, 0x13, 0x1b, 0x1e, 0x01, 0x00, 0x00, 0x00,
            0xff, 0xff, 0xff, 0xff,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,
        ];

        var values = Render(row,
            new BinaryColumn(TypeDateTime, 0, 6, 26), new BinaryColumn(TypeTime, 0, 6, 17), new BinaryColumn(TypeVarString, 0, 0, 10),
            new BinaryColumn(TypeLong, Unsigned, 0, 10), new BinaryColumn(TypeDouble, 0, 31, 22));

        Assert.Equal(["2010-10-17 19:27:30.000001", "-2899:27:30.000001", "NULL", "4294967295", "1.5"], values);
    }

    [Fact]
    public void Render_ShortDateTimeForms_ZeroPartsWithTheColumnsFractionDigits()
    {
        // Length 0 (the zero datetime), 4 (date only) and 7 (no microseconds) of a DATETIME(3).
        byte[] row = [0x00, 0x00, 0x00, 0x04, 0xe8, 0x07, 0x02, 0x1d, 0x07, 0xe8, 0x07, 0x02, 0x1d, 0x01, 0x02, 0x03];
        var column = new BinaryColumn(TypeDateTime, 0, 3, 23);

        Assert.Equal(["0000-00-00 00:00:00.000", "2024-02-29 00:00:00.000", "2024-02-29 01:02:03.000"], Render(row, column, column, column));
    }

    [Fact]
    public void CanRender_ZerofillFixedDecimalsAndYear()
    {
        Assert.False(BinaryRowText.CanRender(new BinaryColumn(TypeLong, Zerofill, 0, 6)));
        Assert.False(BinaryRowText.CanRender(new BinaryColumn(TypeDouble, 0, 2, 10)));
        Assert.True(BinaryRowText.CanRender(new BinaryColumn(TypeDouble, 0, 31, 22)));
        // YEAR always carries ZEROFILL and UNSIGNED; YEAR(4) prints four digits either way, YEAR(2) does not.
        Assert.True(BinaryRowText.CanRender(new BinaryColumn(TypeYear, Zerofill | Unsigned, 0, 4)));
        Assert.False(BinaryRowText.CanRender(new BinaryColumn(TypeYear, Zerofill | Unsigned, 0, 2)));
        Assert.False(BinaryRowText.CanRender(new BinaryColumn(0xF2, 0, 0, 0)));
    }

    [Fact]
    public void Render_TruncatedRow_FormatExceptionNamingTheShortfall()
    {
        byte[] row = [0x00, 0x00, 0x01, 0x02];

        var error = Assert.Throws<BinlogFormatException>(() => Render(row, new BinaryColumn(TypeLong, 0, 0, 11)));

        Assert.Contains("4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DateTimeOfAnInvalidLength_FormatException()
    {
        byte[] row = [0x00, 0x00, 0x05, 0xe8, 0x07, 0x02, 0x1d, 0x01];

        var error = Assert.Throws<BinlogFormatException>(() => Render(row, new BinaryColumn(TypeDateTime, 0, 0, 19)));

        Assert.Contains("5 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_BytesAfterTheLastValue_FormatException()
    {
        byte[] row = [0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09];

        var error = Assert.Throws<BinlogFormatException>(() => Render(row, new BinaryColumn(TypeLong, 0, 0, 11)));

        Assert.Contains("after its 1 value", error.Message, StringComparison.Ordinal);
    }
}
