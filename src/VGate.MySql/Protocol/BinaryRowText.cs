using System.Buffers.Binary;
using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Protocol;

/// <summary>
/// One column of a binary-protocol result set (COM_STMT_EXECUTE): what its values look like on the wire.
/// From the column definition: <c>catalog, schema, table, org_table, name, org_name</c> (length-encoded strings),
/// <c>0x0c, charset (2), column_length (4), type (1), flags (2), decimals (1), filler (2)</c>.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html
/// </summary>
/// <param name="Type">The MySQL field type (<c>MYSQL_TYPE_*</c>).</param>
/// <param name="Flags">Column flags (<c>UNSIGNED_FLAG</c> 32, <c>ZEROFILL_FLAG</c> 64, …).</param>
/// <param name="Decimals">Fractional digits: seconds precision of temporal types, 31 for FLOAT/DOUBLE without fixed decimals.</param>
/// <param name="Length">The display width (<c>column_length</c>), e.g. 4 for YEAR.</param>
public readonly record struct BinaryColumn(byte Type, ushort Flags, byte Decimals, uint Length)
{
    /// <summary>Parses a column definition packet (Protocol::ColumnDefinition41).</summary>
    /// <exception cref="BinlogFormatException">The packet is too short or malformed.</exception>
    public static BinaryColumn FromDefinition(ReadOnlySpan<byte> definition)
    {
        var reader = new PacketReader(definition);
        for (var i = 0; i < 6; i++)
            reader.Skip(reader.ReadLengthEncodedLength());
        var fixedLength = reader.ReadLengthEncodedLength();
        if (fixedLength < 10)
            throw BinlogFormatException.Create($"Column definition has {fixedLength} fixed bytes, expected at least 10", reader.Offset);
        reader.Skip(2); // character set: the session's character_set_results decides the bytes of strings, not this
        var length = reader.ReadUInt32();
        var type = reader.ReadByte();
        var flags = reader.ReadUInt16();
        var decimals = reader.ReadByte();
        return new BinaryColumn(type, flags, decimals, length);
    }
}

/// <summary>
/// Renders a binary-protocol result row (COM_STMT_EXECUTE) as the text protocol (COM_QUERY) would have sent it, byte
/// for byte: integers in decimal, FLOAT/DOUBLE as the server prints them (<see cref="MySqlFloatFormatter"/>), temporal
/// values from their MYSQL_TIME form with the column's fractional digits, YEAR with four digits; strings, DECIMAL,
/// BIT, ENUM/SET, JSON and GEOMETRY arrive as length-encoded bytes in both protocols and are copied.
/// Columns it cannot render exactly (<see cref="CanRender"/> false: ZEROFILL, FLOAT/DOUBLE with fixed decimals,
/// YEAR(2), unknown types) must be read with the text protocol instead.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html
/// </summary>
/// <remarks>
/// Why: making the text of numbers and dates is most of the server's work when a client reads a table (for a table of
/// mixed types, about half of mariadbd's CPU); in the binary protocol the server sends the stored values and the client
/// formats them.
/// </remarks>
public static class BinaryRowText
{
    private const ushort UnsignedFlag = 32;
    private const ushort ZerofillFlag = 64;

    /// <summary>FLOAT/DOUBLE "not fixed decimals" (NOT_FIXED_DEC; a FLOAT(m,d) column has d instead).</summary>
    private const byte NotFixedDecimals = 31;

    /// <summary>Longest text of one non-string value (a DOUBLE is at most <see cref="MySqlFloatFormatter.MaxLength"/>).</summary>
    public const int MaxRenderedValueLength = 48;

    /// <summary>True when values of <paramref name="column"/> render exactly as the text protocol sends them.</summary>
    public static bool CanRender(BinaryColumn column)
    {
        // YEAR columns always carry ZEROFILL (and UNSIGNED): YEAR(4) prints four digits either way.
        if (column.Type == Types.Year)
            return column.Length == 4;
        if ((column.Flags & ZerofillFlag) != 0)
            return false; // the text protocol pads to the display width
        return column.Type switch
        {
            Types.Tiny or Types.Short or Types.Int24 or Types.Long or Types.LongLong => true,
            Types.Float or Types.Double => column.Decimals >= NotFixedDecimals,
            Types.Date or Types.NewDate => true,
            Types.Timestamp or Types.DateTime or Types.Time => column.Decimals <= 6,
            Types.Null => true,
            _ => IsLengthEncoded(column.Type),
        };
    }

    /// <summary>
    /// An upper bound of the rendered size of <paramref name="row"/> (its packet): every value's text is at most its
    /// wire bytes or <see cref="MaxRenderedValueLength"/>.
    /// </summary>
    public static int MaxRenderedLength(ReadOnlySpan<byte> row, int columnCount) => row.Length + (columnCount * MaxRenderedValueLength);

    /// <summary>
    /// Renders the row packet <paramref name="row"/> (<c>0x00</c>, NULL bitmap, values) into <paramref name="destination"/>:
    /// value i goes to <paramref name="cells"/>[i] as its offset and length in <paramref name="destination"/>, length −1
    /// for NULL. <paramref name="destination"/> must hold <see cref="MaxRenderedLength"/> bytes.
    /// </summary>
    /// <returns>The bytes written (the total length of the non-NULL values).</returns>
    /// <exception cref="BinlogFormatException">The row is malformed or has a value of a type not renderable.</exception>
    public static int Render(ReadOnlySpan<byte> row, ReadOnlySpan<BinaryColumn> columns, Span<(int Offset, int Length)> cells, Span<byte> destination)
    {
        if (cells.Length != columns.Length)
            throw new ArgumentException("One cell per column is needed.", nameof(cells));
        var bitmapLength = (columns.Length + 7 + 2) / 8;
        if (row.Length < 1 + bitmapLength || row[0] != 0)
            throw BinlogFormatException.Create($"Binary row packet of {row.Length} bytes does not start with 0x00 and a {bitmapLength}-byte NULL bitmap");
        var nulls = row.Slice(1, bitmapLength);
        var reader = new PacketReader(row) { Offset = 1 + bitmapLength };
        var at = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            var bit = i + 2; // the binary protocol's NULL bitmap starts at bit 2
            if ((nulls[bit >> 3] & (1 << (bit & 7))) != 0)
            {
                cells[i] = (at, -1);
                continue;
            }
            var written = RenderValue(ref reader, columns[i], destination[at..]);
            cells[i] = (at, written);
            at += written;
        }
        if (reader.Remaining != 0)
            throw BinlogFormatException.Create($"Binary row has {reader.Remaining} byte(s) after its {columns.Length} value(s)", reader.Offset);
        return at;
    }

    private static int RenderValue(ref PacketReader reader, BinaryColumn column, Span<byte> destination)
    {
        var unsigned = (column.Flags & UnsignedFlag) != 0;
        switch (column.Type)
        {
            case Types.Tiny:
                return unsigned ? WriteInteger(reader.ReadByte(), destination) : WriteInteger((sbyte)reader.ReadByte(), destination);
            case Types.Short:
                return unsigned ? WriteInteger(reader.ReadUInt16(), destination) : WriteInteger((short)reader.ReadUInt16(), destination);
            case Types.Year:
                return WriteYear(reader.ReadUInt16(), destination);
            case Types.Int24:
            case Types.Long:
                return unsigned ? WriteInteger(reader.ReadUInt32(), destination) : WriteInteger((int)reader.ReadUInt32(), destination);
            case Types.LongLong:
                var raw = reader.ReadUInt64();
                return unsigned ? WriteUnsigned(raw, destination) : WriteInteger((long)raw, destination);
            case Types.Float:
                return MySqlFloatFormatter.FormatFloat(BitConverter.Int32BitsToSingle((int)reader.ReadUInt32()), destination);
            case Types.Double:
                return MySqlFloatFormatter.FormatDouble(BitConverter.Int64BitsToDouble(reader.ReadInt64()), destination);
            case Types.Date:
            case Types.NewDate:
                return WriteDateTime(ref reader, withClock: false, 0, destination);
            case Types.Timestamp:
            case Types.DateTime:
                return WriteDateTime(ref reader, withClock: true, column.Decimals, destination);
            case Types.Time:
                return WriteTime(ref reader, column.Decimals, destination);
            case Types.Null:
                return 0;
            default:
                if (!IsLengthEncoded(column.Type))
                    throw BinlogFormatException.Create($"Binary result column of type {column.Type} cannot be rendered as text", reader.Offset);
                var bytes = reader.ReadLengthEncodedBytes();
                bytes.CopyTo(destination);
                return bytes.Length;
        }
    }

    private static int WriteInteger(long value, Span<byte> destination) =>
        value.TryFormat(destination, out var written, default, System.Globalization.CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException("Integer did not fit its buffer.");

    private static int WriteUnsigned(ulong value, Span<byte> destination) =>
        value.TryFormat(destination, out var written, default, System.Globalization.CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException("Integer did not fit its buffer.");

    /// <summary>YEAR(4): four digits, the zero year <c>0000</c>.</summary>
    private static int WriteYear(int year, Span<byte> destination)
    {
        if (year > 9999)
            throw BinlogFormatException.Create($"YEAR value {year} is out of range");
        WriteTwoDigits(year / 100, destination);
        WriteTwoDigits(year % 100, destination[2..]);
        return 4;
    }

    /// <summary>
    /// DATE, DATETIME, TIMESTAMP: a length byte (0, 4, 7 or 11) then year (2), month, day, hour, minute, second,
    /// microseconds (4); omitted parts are zero. Text: <c>YYYY-MM-DD[ hh:mm:ss[.f…]]</c> with exactly
    /// <paramref name="fsp"/> fractional digits (the zero date too).
    /// </summary>
    private static int WriteDateTime(ref PacketReader reader, bool withClock, int fsp, Span<byte> destination)
    {
        var length = reader.ReadByte();
        if (length is not (0 or 4 or 7 or 11))
            throw BinlogFormatException.Create($"Binary date/time value of {length} bytes", reader.Offset - 1);
        var value = reader.ReadBytes(length);
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
        if (length >= 4)
        {
            year = BinaryPrimitives.ReadUInt16LittleEndian(value);
            month = value[2];
            day = value[3];
        }
        if (length >= 7)
        {
            hour = value[4];
            minute = value[5];
            second = value[6];
        }
        if (length == 11)
            micros = (int)BinaryPrimitives.ReadUInt32LittleEndian(value[7..]);
        if (year > 9999 || month > 99 || day > 99)
            throw BinlogFormatException.Create($"Binary date {year}-{month}-{day} is out of range");
        TemporalFormatter.WriteDate(year, month, day, destination);
        if (!withClock)
            return 10;
        destination[10] = (byte)' ';
        return 11 + WriteClock(hour, minute, second, micros, fsp, destination[11..]);
    }

    /// <summary>
    /// TIME: a length byte (0, 8 or 12) then is_negative, days (4), hour, minute, second, microseconds (4). Text:
    /// <c>[-]hh:mm:ss[.f…]</c>, hours = days × 24 + hour (two digits at least).
    /// </summary>
    private static int WriteTime(ref PacketReader reader, int fsp, Span<byte> destination)
    {
        var length = reader.ReadByte();
        if (length is not (0 or 8 or 12))
            throw BinlogFormatException.Create($"Binary time value of {length} bytes", reader.Offset - 1);
        var value = reader.ReadBytes(length);
        var negative = false;
        long hours = 0;
        int minute = 0, second = 0, micros = 0;
        if (length >= 8)
        {
            negative = value[0] != 0;
            hours = (BinaryPrimitives.ReadUInt32LittleEndian(value[1..]) * 24L) + value[5];
            minute = value[6];
            second = value[7];
        }
        if (length == 12)
            micros = (int)BinaryPrimitives.ReadUInt32LittleEndian(value[8..]);
        if (hours > 99_999)
            throw BinlogFormatException.Create($"Binary time of {hours} hours is out of range");
        var at = 0;
        if (negative)
            destination[at++] = (byte)'-';
        return at + WriteClock((int)hours, minute, second, micros, fsp, destination[at..]);
    }

    // The binary protocol's own range check (its error names the value), then the binlog's clock text.
    private static int WriteClock(int hours, int minutes, int seconds, int micros, int fsp, Span<byte> destination) =>
        minutes > 99 || seconds > 99 || (uint)micros > 999_999
            ? throw BinlogFormatException.Create($"Binary time {hours}:{minutes}:{seconds}.{micros} is out of range")
            : TemporalFormatter.WriteClock(hours, minutes, seconds, micros, fsp, destination);

    private static void WriteTwoDigits(int value, Span<byte> destination)
    {
        destination[0] = (byte)('0' + (value / 10));
        destination[1] = (byte)('0' + (value % 10));
    }

    /// <summary>Types whose binary value is a length-encoded string, the same bytes as in the text protocol.</summary>
    private static bool IsLengthEncoded(byte type) => type switch
    {
        Types.Decimal or Types.NewDecimal or Types.VarChar or Types.Bit or Types.Json or Types.Enum or Types.Set or
            Types.TinyBlob or Types.MediumBlob or Types.LongBlob or Types.Blob or Types.VarString or Types.String or
            Types.Geometry => true,
        _ => false,
    };

    /// <summary>MYSQL_TYPE_* codes of the protocol (not all are sent in result sets).</summary>
    private static class Types
    {
        public const byte Decimal = 0;
        public const byte Tiny = 1;
        public const byte Short = 2;
        public const byte Long = 3;
        public const byte Float = 4;
        public const byte Double = 5;
        public const byte Null = 6;
        public const byte Timestamp = 7;
        public const byte LongLong = 8;
        public const byte Int24 = 9;
        public const byte Date = 10;
        public const byte Time = 11;
        public const byte DateTime = 12;
        public const byte Year = 13;
        public const byte NewDate = 14;
        public const byte VarChar = 15;
        public const byte Bit = 16;
        public const byte Json = 245;
        public const byte NewDecimal = 246;
        public const byte Enum = 247;
        public const byte Set = 248;
        public const byte TinyBlob = 249;
        public const byte MediumBlob = 250;
        public const byte LongBlob = 251;
        public const byte Blob = 252;
        public const byte VarString = 253;
        public const byte String = 254;
        public const byte Geometry = 255;
    }
}
