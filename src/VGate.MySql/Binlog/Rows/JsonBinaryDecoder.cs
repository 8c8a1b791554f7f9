using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Decodes MySQL's binary JSON (the JSON column's storage and binlog format, sql-common/json_binary.h) into
/// <list type="bullet">
/// <item>JSON text exactly as MySQL prints it (<c>CAST(j AS CHAR)</c>, <c>SELECT j</c>): <c>{"a": 1, "b": [true, null]}</c>
/// with <c>", "</c> and <c>": "</c> separators, object keys in stored order, doubles in <c>my_gcvt</c> form with <c>.0</c>
/// appended to integral values, DECIMAL opaques as plain numbers, DATE/TIME/DATETIME/TIMESTAMP opaques as quoted
/// strings with 6 fractional digits, any other opaque as <c>"base64:type&lt;N&gt;:&lt;base64&gt;"</c>;</item>
/// <item>or a SQL expression that rebuilds the value, as Vitess renders JSON in VStream partial-JSON updates
/// (<c>JSON_OBJECT(_utf8mb4'a', 1)</c>, <c>CAST(JSON_QUOTE(_utf8mb4'x') as JSON)</c>, <c>CAST(1 as JSON)</c>); see
/// <see cref="WriteSqlExpression"/>.</item>
/// </list>
/// Every offset and length is bounds-checked against the bytes present (a container whose declared size runs past the
/// end of the value is read up to the end); malformed input throws <see cref="BinlogFormatException"/>. Nested
/// values must lie after their container's header and inside it, so cyclic offsets cannot loop; nesting deeper than
/// <see cref="MaxDepth"/> is rejected.
/// </summary>
public static class JsonBinaryDecoder
{
    /// <summary>Deepest nesting accepted (MySQL itself refuses documents deeper than 100).</summary>
    public const int MaxDepth = 150;

    private const byte SmallObject = 0x00;
    private const byte LargeObject = 0x01;
    private const byte SmallArray = 0x02;
    private const byte LargeArray = 0x03;
    private const byte Literal = 0x04;
    private const byte Int16 = 0x05;
    private const byte UInt16 = 0x06;
    private const byte Int32 = 0x07;
    private const byte UInt32 = 0x08;
    private const byte Int64 = 0x09;
    private const byte UInt64 = 0x0A;
    private const byte Double = 0x0B;
    private const byte String = 0x0C;
    private const byte Opaque = 0x0F;

    /// <summary>
    /// Writes the JSON text of a binary JSON value (the column payload after its 4-byte length prefix). An empty
    /// payload is JSON <c>null</c>. Trailing bytes after the top-level value are ignored.
    /// </summary>
    public static void WriteJson(ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (value.IsEmpty)
        {
            output.Write("null"u8);
            return;
        }
        WriteValue(value[0], value[1..], 0, output, sql: false, top: true);
    }

    /// <summary>Returns the JSON text of a binary JSON value (see <see cref="WriteJson"/>).</summary>
    public static string ToJson(ReadOnlySpan<byte> value)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, value.Length * 2));
        WriteJson(value, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes a SQL expression that evaluates to the value, in Vitess's <c>MarshalSQLTo</c> form (what VStream puts in
    /// partial-JSON ROW values): objects as <c>JSON_OBJECT(_utf8mb4'k', v, …)</c> with keys sorted by bytes, arrays
    /// as <c>JSON_ARRAY(…)</c>, nested strings as <c>_utf8mb4'…'</c> (SQL-escaped), nested literals as
    /// <c>true</c>/<c>false</c>/<c>null</c>, dates as <c>date '…'</c>/<c>time '…'</c>/<c>timestamp '…'</c>, BIT
    /// opaques as <c>b'…'</c>, other opaques as <c>x'…'</c>. A top-level scalar is wrapped so it stays JSON:
    /// <c>CAST(JSON_QUOTE(_utf8mb4'x') as JSON)</c>, <c>CAST(1 as JSON)</c>, <c>CAST(_utf8mb4'null' as JSON)</c>.
    /// Unlike Vitess, the length byte of an opaque value is not included in its <c>x'…'</c>/<c>b'…'</c> literal.
    /// </summary>
    public static void WriteSqlExpression(ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (value.IsEmpty)
        {
            output.Write("CAST(_utf8mb4'null' as JSON)"u8);
            return;
        }
        WriteValue(value[0], value[1..], 0, output, sql: true, top: true);
    }

    /// <summary>Returns the SQL expression for a binary JSON value (see <see cref="WriteSqlExpression"/>).</summary>
    public static string ToSqlExpression(ReadOnlySpan<byte> value)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, value.Length * 3));
        WriteSqlExpression(value, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes one value; <paramref name="data"/> starts at the value and runs to the end of its container.</summary>
    private static void WriteValue(byte type, ReadOnlySpan<byte> data, int depth, IBufferWriter<byte> output, bool sql, bool top)
    {
        switch (type)
        {
            case SmallObject:
            case LargeObject:
                WriteContainer(data, type == LargeObject, isObject: true, depth, output, sql);
                return;
            case SmallArray:
            case LargeArray:
                WriteContainer(data, type == LargeArray, isObject: false, depth, output, sql);
                return;
            case Literal:
                Need(data, 0, 1);
                ReadOnlySpan<byte> literal = data[0] switch
                {
                    0 => "null"u8,
                    1 => "true"u8,
                    2 => "false"u8,
                    _ => throw BinlogFormatException.Create($"Unknown JSON literal 0x{data[0]:X2}"),
                };
                if (sql && top)
                {
                    output.Write("CAST(_utf8mb4'"u8);
                    output.Write(literal);
                    output.Write("' as JSON)"u8);
                }
                else
                {
                    output.Write(literal);
                }
                return;
            case Int16:
            case UInt16:
            case Int32:
            case UInt32:
            case Int64:
            case UInt64:
            case Double:
                WrapNumber(type, data, output, sql && top);
                return;
            case String:
                {
                    var text = ReadString(data);
                    if (sql)
                    {
                        if (top)
                            output.Write("CAST(JSON_QUOTE("u8);
                        WriteSqlString(text, output);
                        if (top)
                            output.Write(") as JSON)"u8);
                    }
                    else
                    {
                        WriteJsonString(text, output);
                    }
                    return;
                }
            case Opaque:
                WriteOpaque(data, output, sql, top);
                return;
            default:
                throw BinlogFormatException.Create($"Unknown JSON value type 0x{type:X2}");
        }
    }

    private static void WriteContainer(ReadOnlySpan<byte> data, bool large, bool isObject, int depth, IBufferWriter<byte> output, bool sql)
    {
        if (depth >= MaxDepth)
            throw BinlogFormatException.Create($"JSON value is nested deeper than {MaxDepth} levels");
        var w = large ? 4 : 2;
        Need(data, 0, 2 * w);
        var count = ReadOffset(data, 0, large);
        var size = ReadOffset(data, w, large);
        // A size larger than the bytes present is tolerated (as Vitess does; hand-built documents get it wrong): every
        // read below is checked against the bytes actually present.
        var container = data[..Math.Min(size, data.Length)];
        size = container.Length;
        var keyEntrySize = w + 2;
        var valueEntrySize = 1 + w;
        var headerSize = (2L * w) + ((long)count * ((isObject ? keyEntrySize : 0) + valueEntrySize));
        if (headerSize > size)
            throw BinlogFormatException.Create($"JSON container of size {size} cannot hold {count} element(s)");
        var keysAt = 2 * w;
        var valuesAt = keysAt + (isObject ? count * keyEntrySize : 0);

        if (sql)
        {
            output.Write(isObject ? "JSON_OBJECT("u8 : "JSON_ARRAY("u8);
            var order = isObject ? SortKeys(container, count, keysAt, (int)headerSize, large) : null;
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                    output.Write(", "u8);
                var index = order is null ? i : order[i];
                if (isObject)
                {
                    WriteSqlString(ReadKey(container, keysAt + (index * keyEntrySize), (int)headerSize, large), output);
                    output.Write(", "u8);
                }
                WriteEntry(container, valuesAt + (index * valueEntrySize), (int)headerSize, large, depth, output, sql);
            }
            output.Write(")"u8);
            return;
        }

        output.Write(isObject ? "{"u8 : "["u8);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                output.Write(", "u8);
            if (isObject)
            {
                WriteJsonString(ReadKey(container, keysAt + (i * keyEntrySize), (int)headerSize, large), output);
                output.Write(": "u8);
            }
            WriteEntry(container, valuesAt + (i * valueEntrySize), (int)headerSize, large, depth, output, sql);
        }
        output.Write(isObject ? "}"u8 : "]"u8);
    }

    private static ReadOnlySpan<byte> ReadKey(ReadOnlySpan<byte> container, int entryAt, int headerSize, bool large)
    {
        var offset = ReadOffset(container, entryAt, large);
        var length = BinaryPrimitives.ReadUInt16LittleEndian(container[(entryAt + (large ? 4 : 2))..]);
        if (offset < headerSize || offset > container.Length || length > container.Length - offset)
            throw BinlogFormatException.Create($"JSON object key at {offset} (length {length}) lies outside its object of {container.Length} byte(s)");
        return container.Slice(offset, length);
    }

    private static int[] SortKeys(ReadOnlySpan<byte> container, int count, int keysAt, int headerSize, bool large)
    {
        var keys = new byte[count][];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = ReadKey(container, keysAt + (i * ((large ? 4 : 2) + 2)), headerSize, large).ToArray();
            order[i] = i;
        }
        Array.Sort(order, (a, b) => keys[a].AsSpan().SequenceCompareTo(keys[b]));
        return order;
    }

    private static void WriteEntry(ReadOnlySpan<byte> container, int entryAt, int headerSize, bool large, int depth, IBufferWriter<byte> output, bool sql)
    {
        var type = container[entryAt];
        var w = large ? 4 : 2;
        var inline = type is Literal or Int16 or UInt16 || (large && type is Int32 or UInt32);
        if (inline)
        {
            WriteValue(type, container.Slice(entryAt + 1, w), depth + 1, output, sql, top: false);
            return;
        }
        var offset = ReadOffset(container, entryAt + 1, large);
        if (offset < headerSize || offset >= container.Length)
            throw BinlogFormatException.Create($"JSON value offset {offset} lies outside its container ({headerSize}..{container.Length})");
        WriteValue(type, container[offset..], depth + 1, output, sql, top: false);
    }

    private static int ReadOffset(ReadOnlySpan<byte> data, int at, bool large)
    {
        if (!large)
            return BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);
        if (value > int.MaxValue)
            throw BinlogFormatException.Create($"JSON offset or count {value} is too large");
        return (int)value;
    }

    private static void WrapNumber(byte type, ReadOnlySpan<byte> data, IBufferWriter<byte> output, bool cast)
    {
        if (cast)
            output.Write("CAST("u8);
        var span = output.GetSpan(MySqlFloatFormatter.MaxLength + 2);
        int written;
        switch (type)
        {
            case Int16:
                Need(data, 0, 2);
                BinaryPrimitives.ReadInt16LittleEndian(data).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case UInt16:
                Need(data, 0, 2);
                BinaryPrimitives.ReadUInt16LittleEndian(data).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case Int32:
                Need(data, 0, 4);
                BinaryPrimitives.ReadInt32LittleEndian(data).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case UInt32:
                Need(data, 0, 4);
                BinaryPrimitives.ReadUInt32LittleEndian(data).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case Int64:
                Need(data, 0, 8);
                BinaryPrimitives.ReadInt64LittleEndian(data).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case UInt64:
                Need(data, 0, 8);
                BinaryPrimitives.ReadUInt64LittleEndian(data).TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            default:
                Need(data, 0, 8);
                written = MySqlFloatFormatter.FormatDouble(BinaryPrimitives.ReadDoubleLittleEndian(data), span);
                // MySQL marks integral doubles as doubles: 1.0, -0.0 (json_dom.cc print_double).
                var text = span[..written];
                if (text.IndexOfAny((byte)'.', (byte)'e') < 0 && text.IndexOfAny((byte)'n', (byte)'i') < 0)
                {
                    span[written++] = (byte)'.';
                    span[written++] = (byte)'0';
                }
                break;
        }
        output.Advance(written);
        if (cast)
            output.Write(" as JSON)"u8);
    }

    private static void WriteOpaque(ReadOnlySpan<byte> data, IBufferWriter<byte> output, bool sql, bool top)
    {
        Need(data, 0, 1);
        var fieldType = (ColumnType)data[0];
        var payload = ReadString(data[1..]);
        switch (fieldType)
        {
            case ColumnType.Date:
            case ColumnType.NewDate:
            case ColumnType.Time:
            case ColumnType.Time2:
            case ColumnType.DateTime:
            case ColumnType.DateTime2:
            case ColumnType.Timestamp:
            case ColumnType.Timestamp2:
                {
                    if (payload.Length < 8)
                        throw BinlogFormatException.Create($"JSON {fieldType} opaque value has {payload.Length} byte(s), expected 8");
                    var packed = BinaryPrimitives.ReadInt64LittleEndian(payload);
                    Span<byte> text = stackalloc byte[TemporalFormatter.MaxLength];
                    ReadOnlySpan<byte> keyword;
                    int length;
                    if (fieldType is ColumnType.Date or ColumnType.NewDate)
                    {
                        length = TemporalFormatter.FormatPackedDate(packed, text);
                        keyword = "date '"u8;
                    }
                    else if (fieldType is ColumnType.Time or ColumnType.Time2)
                    {
                        length = TemporalFormatter.FormatPackedTime(packed, text);
                        keyword = "time '"u8;
                    }
                    else
                    {
                        length = TemporalFormatter.FormatPackedDateTime(packed, text);
                        keyword = "timestamp '"u8;
                    }
                    if (!sql)
                    {
                        output.Write("\""u8);
                        output.Write(text[..length]);
                        output.Write("\""u8);
                        return;
                    }
                    if (top)
                        output.Write("CAST("u8);
                    output.Write(keyword);
                    output.Write(text[..length]);
                    output.Write("'"u8);
                    if (top)
                        output.Write(" as JSON)"u8);
                    return;
                }
            case ColumnType.NewDecimal:
                {
                    if (payload.Length < 2)
                        throw BinlogFormatException.Create("JSON DECIMAL opaque value is missing its precision and scale");
                    int precision = payload[0];
                    int scale = payload[1];
                    var bytes = DecimalCodec.GetLength(precision, scale);
                    if (payload.Length - 2 < bytes)
                        throw BinlogFormatException.CreateForShortBuffer(2, bytes, payload.Length - 2);
                    if (sql && top)
                        output.Write("CAST("u8);
                    var span = output.GetSpan(DecimalCodec.MaxTextLength);
                    output.Advance(DecimalCodec.Format(payload.Slice(2, bytes), precision, scale, span));
                    if (sql && top)
                        output.Write(" as JSON)"u8);
                    return;
                }
            default:
                if (sql)
                {
                    if (top)
                        output.Write("CAST("u8);
                    if (fieldType == ColumnType.Bit)
                        WriteBinaryDigits(payload, output);
                    else
                        WriteHexLiteral(payload, output);
                    if (top)
                        output.Write(" as JSON)"u8);
                    return;
                }
                output.Write("\"base64:type"u8);
                var number = output.GetSpan(3);
                ((byte)fieldType).TryFormat(number, out var n, default, CultureInfo.InvariantCulture);
                output.Advance(n);
                output.Write(":"u8);
                var b64 = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(payload.Length));
                Base64.EncodeToUtf8(payload, b64, out _, out var encoded);
                output.Advance(encoded);
                output.Write("\""u8);
                return;
        }
    }

    private static void WriteHexLiteral(ReadOnlySpan<byte> bytes, IBufferWriter<byte> output)
    {
        output.Write("x'"u8);
        var span = output.GetSpan(bytes.Length * 2);
        for (var i = 0; i < bytes.Length; i++)
        {
            span[2 * i] = (byte)"0123456789ABCDEF"[bytes[i] >> 4];
            span[(2 * i) + 1] = (byte)"0123456789ABCDEF"[bytes[i] & 0xF];
        }
        output.Advance(bytes.Length * 2);
        output.Write("'"u8);
    }

    private static void WriteBinaryDigits(ReadOnlySpan<byte> bytes, IBufferWriter<byte> output)
    {
        output.Write("b'"u8);
        var started = false;
        foreach (var b in bytes)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var one = (b >> bit & 1) == 1;
                if (!one && !started)
                    continue;
                started = true;
                output.Write(one ? "1"u8 : "0"u8);
            }
        }
        if (!started)
            output.Write("0"u8);
        output.Write("'"u8);
    }

    /// <summary>Reads a variable-length length (7 bits per byte, high bit = more) and the bytes it counts.</summary>
    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> data)
    {
        long length = 0;
        var pos = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (pos >= data.Length)
                throw BinlogFormatException.CreateForShortBuffer(pos, 1, 0);
            if (shift > 28)
                throw BinlogFormatException.Create("JSON string length is longer than 5 bytes", pos);
            var b = data[pos++];
            length |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                break;
        }
        if (length > data.Length - pos)
            throw BinlogFormatException.CreateForShortBuffer(pos, (int)Math.Min(length, int.MaxValue), data.Length - pos);
        return data.Slice(pos, (int)length);
    }

    /// <summary>JSON string literal with MySQL's escaping (json_dom.cc double_quote).</summary>
    private static void WriteJsonString(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            ReadOnlySpan<byte> escape = c switch
            {
                (byte)'"' => "\\\""u8,
                (byte)'\\' => "\\\\"u8,
                (byte)'\b' => "\\b"u8,
                (byte)'\f' => "\\f"u8,
                (byte)'\n' => "\\n"u8,
                (byte)'\r' => "\\r"u8,
                (byte)'\t' => "\\t"u8,
                _ => default,
            };
            if (escape.IsEmpty && c >= 0x20)
                continue;
            output.Write(text[start..i]);
            if (escape.IsEmpty)
            {
                var span = output.GetSpan(6);
                "\\u00"u8.CopyTo(span);
                span[4] = (byte)"0123456789abcdef"[c >> 4];
                span[5] = (byte)"0123456789abcdef"[c & 0xF];
                output.Advance(6);
            }
            else
            {
                output.Write(escape);
            }
            start = i + 1;
        }
        output.Write(text[start..]);
        output.Write("\""u8);
    }

    /// <summary>A <c>_utf8mb4'…'</c> SQL literal with Vitess's escaping (NUL, quote, backslash, \b \n \r \t, ^Z).</summary>
    internal static void WriteSqlString(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        output.Write("_utf8mb4'"u8);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            ReadOnlySpan<byte> escape = text[i] switch
            {
                0 => "\\0"u8,
                (byte)'\'' => "\\'"u8,
                (byte)'\\' => "\\\\"u8,
                (byte)'\b' => "\\b"u8,
                (byte)'\n' => "\\n"u8,
                (byte)'\r' => "\\r"u8,
                (byte)'\t' => "\\t"u8,
                0x1A => "\\Z"u8,
                _ => default,
            };
            if (escape.IsEmpty)
                continue;
            output.Write(text[start..i]);
            output.Write(escape);
            start = i + 1;
        }
        output.Write(text[start..]);
        output.Write("'"u8);
    }

    private static void Need(ReadOnlySpan<byte> data, int offset, int count)
    {
        if (count > data.Length - offset)
            throw BinlogFormatException.CreateForShortBuffer(offset, count, Math.Max(0, data.Length - offset));
    }
}
