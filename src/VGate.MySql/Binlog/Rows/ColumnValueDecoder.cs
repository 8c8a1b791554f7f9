using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Decodes one non-NULL cell of a row image (the exact bytes of that column's value, including any length prefix)
/// into the text the server's text protocol would send for <c>SELECT col</c> on a utf8mb4/binary connection, which is
/// what VStream ROW events carry.
/// <list type="bullet">
/// <item>Integers: decimal, signed or unsigned per <see cref="ColumnInfo.IsUnsigned"/>. YEAR: 4 digits, 0 is <c>0000</c>.</item>
/// <item>FLOAT/DOUBLE: <see cref="MySqlFloatFormatter"/> (<c>1.5</c>, <c>1e20</c>, FLOAT with 6 significant digits).</item>
/// <item>DECIMAL: exact, with exactly the column's scale digits (<c>-123.4500</c>).</item>
/// <item>Temporal types: see <see cref="TemporalFormatter"/>; TIMESTAMP is rendered in UTC.</item>
/// <item>CHAR/VARCHAR/TEXT/BLOB: the stored bytes, untranscoded. BINARY(n) (CHAR with collation 63) is padded with
/// 0x00 to n bytes, as SELECT returns it (the binlog strips the padding; needs the collation from
/// <c>binlog_row_metadata=FULL</c>, otherwise the bytes are returned as stored).</item>
/// <item>ENUM/SET: member names (UTF-8) from <see cref="ColumnInfo.EnumValues"/>/<see cref="ColumnInfo.SetValues"/>;
/// index 0 / empty set is the empty string; when the names are unknown, the index / bitmap as a decimal number.</item>
/// <item>BIT: the (n+7)/8 big-endian bytes. GEOMETRY: SRID (4 bytes LE) + WKB. VECTOR: raw float32 LE bytes.</item>
/// <item>JSON (MySQL): JSON text from <see cref="JsonBinaryDecoder"/>. MariaDB's JSON is LONGTEXT and arrives as BLOB text.</item>
/// </list>
/// Cells whose size does not match the column metadata throw <see cref="BinlogFormatException"/>.
/// Formats: https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Rows__event.html and
/// https://mariadb.com/kb/en/rows_event_v1v2-rows_compressed_event_v1/.
/// </summary>
public static class ColumnValueDecoder
{
    /// <summary>Classifies the column's values (see <see cref="ValueKind"/>).</summary>
    public static ValueKind GetValueKind(ColumnInfo column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Type switch
        {
            ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong =>
                column.IsUnsigned ? ValueKind.UnsignedInteger : ValueKind.Integer,
            ColumnType.Year => ValueKind.Integer,
            ColumnType.Float or ColumnType.Double => ValueKind.Float,
            ColumnType.NewDecimal or ColumnType.Decimal => ValueKind.Decimal,
            ColumnType.Date or ColumnType.NewDate or ColumnType.Time or ColumnType.Time2 or ColumnType.DateTime or
                ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2 => ValueKind.Temporal,
            ColumnType.VarChar or ColumnType.VarString or ColumnType.String =>
                column.CollationId == MySqlCharsets.BinaryCollationId ? ValueKind.Binary : ValueKind.Text,
            ColumnType.TinyBlob or ColumnType.Blob or ColumnType.MediumBlob or ColumnType.LongBlob =>
                column.IsText ? ValueKind.Text : ValueKind.Binary,
            ColumnType.Json => ValueKind.Json,
            ColumnType.Enum => ValueKind.Enum,
            ColumnType.Set => ValueKind.Set,
            ColumnType.Bit => ValueKind.Bit,
            ColumnType.Geometry => ValueKind.Geometry,
            ColumnType.Vector => ValueKind.Vector,
            ColumnType.Null => ValueKind.Null,
            _ => throw Unsupported(column),
        };
    }

    /// <summary>
    /// Writes the text-protocol form of the cell to <paramref name="output"/>. Fixed-size types are formatted straight
    /// into <see cref="IBufferWriter{T}.GetSpan"/> without allocating.
    /// </summary>
    public static void WriteText(ColumnInfo column, ReadOnlySpan<byte> cell, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(output);
        switch (column.Type)
        {
            case ColumnType.Tiny:
                Expect(column, cell, 1);
                Advance(output, column.IsUnsigned ? Format(cell[0], output) : Format((sbyte)cell[0], output));
                return;
            case ColumnType.Short:
                Expect(column, cell, 2);
                Advance(output, column.IsUnsigned
                    ? Format(BinaryPrimitives.ReadUInt16LittleEndian(cell), output)
                    : Format(BinaryPrimitives.ReadInt16LittleEndian(cell), output));
                return;
            case ColumnType.Int24:
                {
                    Expect(column, cell, 3);
                    var value = cell[0] | (cell[1] << 8) | (cell[2] << 16);
                    if (!column.IsUnsigned && (value & 0x800000) != 0)
                        value |= unchecked((int)0xFF000000);
                    Advance(output, Format(value, output));
                    return;
                }
            case ColumnType.Long:
                Expect(column, cell, 4);
                Advance(output, column.IsUnsigned
                    ? Format(BinaryPrimitives.ReadUInt32LittleEndian(cell), output)
                    : Format(BinaryPrimitives.ReadInt32LittleEndian(cell), output));
                return;
            case ColumnType.LongLong:
                Expect(column, cell, 8);
                Advance(output, column.IsUnsigned
                    ? Format(BinaryPrimitives.ReadUInt64LittleEndian(cell), output)
                    : Format(BinaryPrimitives.ReadInt64LittleEndian(cell), output));
                return;
            case ColumnType.Float:
                {
                    Expect(column, cell, 4);
                    var span = output.GetSpan(MySqlFloatFormatter.MaxLength);
                    output.Advance(MySqlFloatFormatter.FormatFloat(BinaryPrimitives.ReadSingleLittleEndian(cell), span));
                    return;
                }
            case ColumnType.Double:
                {
                    Expect(column, cell, 8);
                    var span = output.GetSpan(MySqlFloatFormatter.MaxLength);
                    output.Advance(MySqlFloatFormatter.FormatDouble(BinaryPrimitives.ReadDoubleLittleEndian(cell), span));
                    return;
                }
            case ColumnType.NewDecimal:
                {
                    var (precision, scale) = GetPrecisionAndScale(column);
                    var span = output.GetSpan(DecimalCodec.MaxTextLength);
                    output.Advance(DecimalCodec.Format(cell, precision, scale, span));
                    return;
                }
            case ColumnType.Year:
                Expect(column, cell, 1);
                output.Advance(TemporalFormatter.FormatYear(cell[0], output.GetSpan(TemporalFormatter.MaxLength)));
                return;
            case ColumnType.Date:
            case ColumnType.NewDate:
                Expect(column, cell, 3);
                output.Advance(TemporalFormatter.FormatDate(cell, output.GetSpan(TemporalFormatter.MaxLength)));
                return;
            case ColumnType.Time:
                Expect(column, cell, 3);
                output.Advance(TemporalFormatter.FormatTime(cell, output.GetSpan(TemporalFormatter.MaxLength)));
                return;
            case ColumnType.Time2:
                {
                    var fsp = GetFsp(column);
                    Expect(column, cell, 3 + TemporalFormatter.FractionBytes(fsp));
                    output.Advance(TemporalFormatter.FormatTime2(cell, fsp, output.GetSpan(TemporalFormatter.MaxLength)));
                    return;
                }
            case ColumnType.DateTime:
                Expect(column, cell, 8);
                output.Advance(TemporalFormatter.FormatDateTime(cell, output.GetSpan(TemporalFormatter.MaxLength)));
                return;
            case ColumnType.DateTime2:
                {
                    var fsp = GetFsp(column);
                    Expect(column, cell, 5 + TemporalFormatter.FractionBytes(fsp));
                    output.Advance(TemporalFormatter.FormatDateTime2(cell, fsp, output.GetSpan(TemporalFormatter.MaxLength)));
                    return;
                }
            case ColumnType.Timestamp:
                Expect(column, cell, 4);
                output.Advance(TemporalFormatter.FormatTimestamp(cell, output.GetSpan(TemporalFormatter.MaxLength)));
                return;
            case ColumnType.Timestamp2:
                {
                    var fsp = GetFsp(column);
                    Expect(column, cell, 4 + TemporalFormatter.FractionBytes(fsp));
                    output.Advance(TemporalFormatter.FormatTimestamp2(cell, fsp, output.GetSpan(TemporalFormatter.MaxLength)));
                    return;
                }
            case ColumnType.Bit:
                Expect(column, cell, GetBitLength(column));
                output.Write(cell);
                return;
            case ColumnType.String:
                {
                    var payload = Payload(column, cell, GetStringMaxLength(column) > 255 ? 2 : 1);
                    output.Write(payload);
                    var maxLength = GetStringMaxLength(column);
                    if (column.CollationId == MySqlCharsets.BinaryCollationId && payload.Length < maxLength)
                    {
                        var padding = maxLength - payload.Length;
                        output.GetSpan(padding)[..padding].Clear();
                        output.Advance(padding);
                    }
                    return;
                }
            case ColumnType.VarChar:
            case ColumnType.VarString:
                output.Write(Payload(column, cell, column.Metadata > 255 ? 2 : 1));
                return;
            case ColumnType.TinyBlob:
            case ColumnType.Blob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
            case ColumnType.Geometry:
            case ColumnType.Vector:
                output.Write(Payload(column, cell, GetBlobPrefixSize(column)));
                return;
            case ColumnType.Json:
                JsonBinaryDecoder.WriteJson(Payload(column, cell, GetBlobPrefixSize(column)), output);
                return;
            case ColumnType.Enum:
                WriteEnum(column, cell, output);
                return;
            case ColumnType.Set:
                WriteSet(column, cell, output);
                return;
            case ColumnType.Null:
                return;
            default:
                throw Unsupported(column);
        }
    }

    /// <summary>
    /// Returns the cell's text form as a .NET string. Character data (<see cref="ValueKind.Text"/>) is decoded with the
    /// column's character set (<see cref="MySqlCharsets.GetEncoding"/>; UTF-8 when the collation is unknown);
    /// binary, BIT, GEOMETRY and VECTOR bytes are mapped one byte to one char (ISO-8859-1) so nothing is lost;
    /// everything else is ASCII/UTF-8 text. Allocates; use <see cref="WriteText"/> on hot paths.
    /// </summary>
    public static string ToText(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        var kind = GetValueKind(column);
        if (kind == ValueKind.Text && column.Type is not ColumnType.String)
            return MySqlCharsets.GetEncoding(column.CollationId).GetString(GetPayload(column, cell));
        var buffer = new ArrayBufferWriter<byte>(Math.Max(32, cell.Length * 2));
        WriteText(column, cell, buffer);
        var encoding = kind switch
        {
            ValueKind.Text => MySqlCharsets.GetEncoding(column.CollationId),
            ValueKind.Binary or ValueKind.Bit or ValueKind.Geometry or ValueKind.Vector => Encoding.Latin1,
            _ => Encoding.UTF8,
        };
        return encoding.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// For length-prefixed types (CHAR/VARCHAR, TEXT/BLOB, JSON, GEOMETRY, VECTOR) returns the bytes after the
    /// prefix, checking that the prefix matches the cell size; for other types returns the cell unchanged.
    /// </summary>
    public static ReadOnlySpan<byte> GetPayload(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        ArgumentNullException.ThrowIfNull(column);
        var prefix = column.Type switch
        {
            ColumnType.VarChar or ColumnType.VarString => column.Metadata > 255 ? 2 : 1,
            ColumnType.String => GetStringMaxLength(column) > 255 ? 2 : 1,
            ColumnType.TinyBlob or ColumnType.Blob or ColumnType.MediumBlob or ColumnType.LongBlob or
                ColumnType.Json or ColumnType.Geometry or ColumnType.Vector => GetBlobPrefixSize(column),
            _ => 0,
        };
        if (prefix == 0)
            return cell;
        if (cell.Length < prefix)
            throw BinlogFormatException.CreateForShortBuffer(0, prefix, cell.Length);
        ulong length = 0;
        for (var i = prefix - 1; i >= 0; i--)
            length = (length << 8) | cell[i];
        if (length != (ulong)(cell.Length - prefix))
            throw BinlogFormatException.Create($"{column.Type} column {Describe(column)} declares {length} byte(s) but the cell holds {cell.Length - prefix}", 0);
        return cell[prefix..];
    }

    // GetPayload for a prefix size the caller already knows from the type: the usual well-formed cell is sliced here,
    // anything else goes through GetPayload for its error.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Payload(ColumnInfo column, ReadOnlySpan<byte> cell, int prefix)
    {
        if (cell.Length >= prefix)
        {
            var length = prefix switch
            {
                1 => cell[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(cell),
                3 => (uint)(cell[0] | (cell[1] << 8) | (cell[2] << 16)),
                _ => BinaryPrimitives.ReadUInt32LittleEndian(cell),
            };
            if (length == (uint)(cell.Length - prefix))
                return cell[prefix..];
        }
        return GetPayload(column, cell);
    }

    /// <summary>Signed value of an integer, YEAR, ENUM, SET or BIT cell.</summary>
    /// <exception cref="OverflowException">An unsigned value above <see cref="long.MaxValue"/>.</exception>
    public static long GetInt64(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Type is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong && !column.IsUnsigned)
        {
            Expect(column, cell, IntegerSize(column.Type));
            return column.Type switch
            {
                ColumnType.Tiny => (sbyte)cell[0],
                ColumnType.Short => BinaryPrimitives.ReadInt16LittleEndian(cell),
                ColumnType.Int24 => ((cell[0] | (cell[1] << 8) | (cell[2] << 16)) << 8) >> 8,
                ColumnType.Long => BinaryPrimitives.ReadInt32LittleEndian(cell),
                _ => BinaryPrimitives.ReadInt64LittleEndian(cell),
            };
        }
        return checked((long)GetUInt64Core(column, cell));
    }

    /// <summary>Unsigned value of an UNSIGNED integer, YEAR (full year, 0 for the zero year), ENUM index, SET bitmap or BIT cell.</summary>
    /// <exception cref="OverflowException">A signed integer column holding a negative value.</exception>
    public static ulong GetUInt64(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Type is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong && !column.IsUnsigned)
            return checked((ulong)GetInt64(column, cell));
        return GetUInt64Core(column, cell);
    }

    /// <summary>Value of a FLOAT or DOUBLE cell (FLOAT widened exactly).</summary>
    public static double GetDouble(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        ArgumentNullException.ThrowIfNull(column);
        switch (column.Type)
        {
            case ColumnType.Float:
                Expect(column, cell, 4);
                return BinaryPrimitives.ReadSingleLittleEndian(cell);
            case ColumnType.Double:
                Expect(column, cell, 8);
                return BinaryPrimitives.ReadDoubleLittleEndian(cell);
            default:
                throw new InvalidOperationException($"Column {Describe(column)} of type {column.Type} is not FLOAT or DOUBLE.");
        }
    }

    /// <summary>Exact text of a DECIMAL cell, with the column's scale (same as <see cref="WriteText"/>).</summary>
    public static string GetDecimalString(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Type != ColumnType.NewDecimal)
            throw new InvalidOperationException($"Column {Describe(column)} of type {column.Type} is not DECIMAL.");
        var (precision, scale) = GetPrecisionAndScale(column);
        Span<byte> text = stackalloc byte[DecimalCodec.MaxTextLength];
        return Encoding.ASCII.GetString(text[..DecimalCodec.Format(cell, precision, scale, text)]);
    }

    /// <summary>Value of a DECIMAL cell as <see cref="decimal"/>.</summary>
    /// <exception cref="OverflowException">More than the 28-29 significant digits <see cref="decimal"/> holds.</exception>
    public static decimal GetDecimal(ColumnInfo column, ReadOnlySpan<byte> cell) =>
        decimal.Parse(GetDecimalString(column, cell), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    /// <summary>Maximum byte length of a CHAR/BINARY (STRING) column, from its TABLE_MAP metadata.</summary>
    public static int GetStringMaxLength(ColumnInfo column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var typeByte = column.Metadata & 0xFF;
        var lengthLow = column.Metadata >> 8;
        return (((typeByte & 0x30) ^ 0x30) << 4) | lengthLow;
    }

    private static ulong GetUInt64Core(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        switch (column.Type)
        {
            case ColumnType.Tiny:
            case ColumnType.Short:
            case ColumnType.Int24:
            case ColumnType.Long:
            case ColumnType.LongLong:
                Expect(column, cell, IntegerSize(column.Type));
                return ReadLittleEndian(cell);
            case ColumnType.Year:
                Expect(column, cell, 1);
                return cell[0] == 0 ? 0 : 1900u + cell[0];
            case ColumnType.Enum:
                ExpectRange(column, cell, 1, 2);
                return ReadLittleEndian(cell);
            case ColumnType.Set:
                ExpectRange(column, cell, 1, 8);
                return ReadLittleEndian(cell);
            case ColumnType.Bit:
                Expect(column, cell, GetBitLength(column));
                ulong value = 0;
                foreach (var b in cell)
                    value = (value << 8) | b;
                return value;
            default:
                throw new InvalidOperationException($"Column {Describe(column)} of type {column.Type} has no integer value.");
        }
    }

    private static void WriteEnum(ColumnInfo column, ReadOnlySpan<byte> cell, IBufferWriter<byte> output)
    {
        ExpectRange(column, cell, 1, 2);
        var index = cell.Length == 1 ? cell[0] : (ulong)BinaryPrimitives.ReadUInt16LittleEndian(cell);
        if (index == 0)
            return;
        var values = column.EnumValuesUtf8;
        if (values is null || index > (ulong)values.Length)
        {
            Advance(output, Format(index, output));
            return;
        }
        output.Write(values[(int)index - 1]);
    }

    private static void WriteSet(ColumnInfo column, ReadOnlySpan<byte> cell, IBufferWriter<byte> output)
    {
        ExpectRange(column, cell, 1, 8);
        var bits = ReadLittleEndian(cell);
        var values = column.SetValuesUtf8;
        if (values is null || (values.Length < 64 && (bits >> values.Length) != 0))
        {
            Advance(output, Format(bits, output));
            return;
        }
        if (bits == 0)
            return;

        // Members in bit order, comma-separated: one span for the whole value, sized first.
        var length = -1;
        for (var rest = bits; rest != 0; rest &= rest - 1)
            length += values[BitOperations.TrailingZeroCount(rest)].Length + 1;
        var span = output.GetSpan(length);
        var position = 0;
        for (var rest = bits; rest != 0; rest &= rest - 1)
        {
            if (position != 0)
                span[position++] = (byte)',';
            var name = values[BitOperations.TrailingZeroCount(rest)];
            name.CopyTo(span[position..]);
            position += name.Length;
        }
        output.Advance(position);
    }

    private static ulong ReadLittleEndian(ReadOnlySpan<byte> cell)
    {
        ulong value = 0;
        for (var i = cell.Length - 1; i >= 0; i--)
            value = (value << 8) | cell[i];
        return value;
    }

    private static int IntegerSize(ColumnType type) => type switch
    {
        ColumnType.Tiny => 1,
        ColumnType.Short => 2,
        ColumnType.Int24 => 3,
        ColumnType.Long => 4,
        _ => 8,
    };

    private static (int Precision, int Scale) GetPrecisionAndScale(ColumnInfo column)
    {
        int precision = column.Metadata & 0xFF;
        var scale = column.Metadata >> 8;
        DecimalCodec.Validate(precision, scale);
        return (precision, scale);
    }

    private static int GetFsp(ColumnInfo column)
    {
        if (column.Metadata > 6)
            throw BinlogFormatException.Create($"{column.Type} column {Describe(column)} has fractional precision {column.Metadata}, above 6");
        return column.Metadata;
    }

    private static int GetBitLength(ColumnInfo column)
    {
        var bits = ((column.Metadata >> 8) * 8) + (column.Metadata & 0xFF);
        return (bits + 7) / 8;
    }

    private static int GetBlobPrefixSize(ColumnInfo column)
    {
        if (column.Metadata is >= 1 and <= 4)
            return column.Metadata;
        return column.Type switch
        {
            ColumnType.TinyBlob => 1,
            ColumnType.Blob => 2,
            ColumnType.MediumBlob => 3,
            ColumnType.LongBlob or ColumnType.Json or ColumnType.Geometry or ColumnType.Vector => 4,
            _ => throw BinlogFormatException.Create($"{column.Type} column {Describe(column)} has length-prefix size {column.Metadata}"),
        };
    }

    // The checks inline into every case of WriteText; building the message stays out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Expect(ColumnInfo column, ReadOnlySpan<byte> cell, int length)
    {
        if (cell.Length != length)
            ThrowWrongLength(column, cell.Length, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpectRange(ColumnInfo column, ReadOnlySpan<byte> cell, int min, int max)
    {
        if (cell.Length < min || cell.Length > max)
            ThrowWrongLength(column, cell.Length, min, max);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongLength(ColumnInfo column, int actual, int length) =>
        throw BinlogFormatException.Create($"{column.Type} column {Describe(column)} needs {length} byte(s) but the cell has {actual}", 0);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongLength(ColumnInfo column, int actual, int min, int max) =>
        throw BinlogFormatException.Create($"{column.Type} column {Describe(column)} needs {min}-{max} byte(s) but the cell has {actual}", 0);

    private static BinlogFormatException Unsupported(ColumnInfo column) =>
        BinlogFormatException.Create($"Column {Describe(column)} has type {column.Type} ({(byte)column.Type}), which row images do not use");

    private static string Describe(ColumnInfo column) =>
        column.Name is null ? $"@{column.Index + 1}" : $"'{column.Name}'";

    private static int Format<T>(T value, IBufferWriter<byte> output)
        where T : IUtf8SpanFormattable
    {
        var span = output.GetSpan(24);
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException("Integer did not fit its buffer.");
        return written;
    }

    private static void Advance(IBufferWriter<byte> output, int written) => output.Advance(written);
}
