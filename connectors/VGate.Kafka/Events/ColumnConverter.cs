using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace VGate.Kafka.Events;

/// <summary>
/// One column of a table as Debezium writes it: its Kafka Connect schema (written once per FIELD event) and the
/// conversion of its VStream text value (vstream-spec §2.9) into the JSON value (per row, allocation-free except for
/// the rare paths noted). docs/kafka-events.md has the mapping table this implements.
/// </summary>
internal sealed class ColumnConverter
{
    private const string DecimalName = "org.apache.kafka.connect.data.Decimal";

    private readonly string _context;
    private readonly string? _schemaType;
    private readonly string? _logicalName;
    private readonly int? _version;
    private readonly KeyValuePair<string, string>[]? _parameters;
    private readonly int _scale;
    private readonly int _bits;
    private readonly string[]? _allowed;
    private readonly bool _numericEnumSet;
    private readonly Encoding? _encoding;
    private readonly bool _latin1;
    private readonly BinaryHandling _binary;

    private ColumnConverter(Query.Field field, string context, ColumnKind kind, DebeziumEventOptions options, bool enumSetStrings)
    {
        Name = field.Name;
        EncodedName = JsonEncodedText.Encode(field.Name, DebeziumJson.Encoder);
        Type = field.Type;
        Kind = kind;
        Optional = (field.Flags & (uint)Query.MySqlFlag.NotNullFlag) == 0;
        _context = context;
        _binary = options.BinaryHandling;
        _encoding = TextCharsets.For(field.Charset);
        _latin1 = TextCharsets.IsLatin1(field.Charset);
        _numericEnumSet = !enumSetStrings;
        _scale = (int)field.Decimals;

        switch (kind)
        {
            case ColumnKind.Null or ColumnKind.Text or ColumnKind.UInt64String or ColumnKind.DecimalString or ColumnKind.IsoText:
                _schemaType = "string";
                break;
            case ColumnKind.Int16:
                _schemaType = "int16";
                break;
            case ColumnKind.Int32:
                _schemaType = "int32";
                break;
            case ColumnKind.Int64 or ColumnKind.UInt64Long:
                _schemaType = "int64";
                break;
            case ColumnKind.Float32:
                _schemaType = "float";
                break;
            case ColumnKind.Float64 or ColumnKind.DecimalDouble or ColumnKind.Float32AsDouble:
                _schemaType = "double";
                break;
            case ColumnKind.Boolean:
                _schemaType = "boolean";
                break;
            case ColumnKind.UInt64Precise:
                _scale = 0;
                (_schemaType, _logicalName, _version) = ("bytes", DecimalName, 1);
                _parameters = [new("scale", "0")];
                break;
            case ColumnKind.DecimalPrecise:
                {
                    (_schemaType, _logicalName, _version) = ("bytes", DecimalName, 1);
                    var precision = ColumnTypeText.FirstNumber(field.ColumnType)
                        ?? (int)field.ColumnLength - (_scale > 0 ? 1 : 0) - ((field.Flags & (uint)Query.MySqlFlag.UnsignedFlag) != 0 ? 0 : 1);
                    _parameters =
                    [
                        new("scale", _scale.ToString(CultureInfo.InvariantCulture)),
                        new("connect.decimal.precision", precision.ToString(CultureInfo.InvariantCulture)),
                    ];
                    break;
                }
            case ColumnKind.DateDays:
                (_schemaType, _logicalName, _version) = options.TimePrecisionMode == TimePrecisionMode.Connect
                    ? ("int32", "org.apache.kafka.connect.data.Date", 1)
                    : ("int32", "io.debezium.time.Date", 1);
                break;
            case ColumnKind.TimeMicros:
                (_schemaType, _logicalName, _version) = ("int64", "io.debezium.time.MicroTime", 1);
                break;
            case ColumnKind.TimeMillis:
                (_schemaType, _logicalName, _version) = ("int32", "org.apache.kafka.connect.data.Time", 1);
                break;
            case ColumnKind.DateTimeMillis:
                (_schemaType, _logicalName, _version) = options.TimePrecisionMode == TimePrecisionMode.Connect
                    ? ("int64", "org.apache.kafka.connect.data.Timestamp", 1)
                    : ("int64", "io.debezium.time.Timestamp", 1);
                break;
            case ColumnKind.DateTimeMicros:
                (_schemaType, _logicalName, _version) = ("int64", "io.debezium.time.MicroTimestamp", 1);
                break;
            case ColumnKind.ZonedTimestamp:
                (_schemaType, _logicalName, _version) = ("string", "io.debezium.time.ZonedTimestamp", 1);
                break;
            case ColumnKind.Year:
                (_schemaType, _logicalName, _version) = ("int32", "io.debezium.time.Year", 1);
                break;
            case ColumnKind.Bytes or ColumnKind.UnknownBytes:
                _schemaType = _binary == BinaryHandling.Base64 ? "bytes" : "string";
                break;
            case ColumnKind.Bits or ColumnKind.BitsBigEndian:
                _bits = ColumnTypeText.FirstNumber(field.ColumnType) ?? (int)field.ColumnLength;
                (_schemaType, _logicalName, _version) = ("bytes", "io.debezium.data.Bits", 1);
                _parameters = [new("length", _bits.ToString(CultureInfo.InvariantCulture))];
                break;
            case ColumnKind.Enum or ColumnKind.EnumSet:
                {
                    var values = ColumnTypeText.Values(field.ColumnType)
                        ?? throw new DebeziumEventException($"{context}: column_type '{field.ColumnType}' does not list the {field.Type} values");
                    _allowed = [.. values];
                    (_schemaType, _logicalName, _version) = ("string", kind == ColumnKind.Enum ? "io.debezium.data.Enum" : "io.debezium.data.EnumSet", 1);
                    _parameters = [new("allowed", string.Join(',', values))];
                    break;
                }
            case ColumnKind.Json:
                (_schemaType, _logicalName, _version) = ("string", "io.debezium.data.Json", 1);
                break;
            case ColumnKind.Geometry or ColumnKind.FloatVector or ColumnKind.Omitted:
                break;
            default:
                throw new DebeziumEventException($"{context}: no schema for column kind {kind}");
        }
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The column name, JSON-encoded once for every row.</summary>
    public JsonEncodedText EncodedName { get; }

    /// <summary>The Vitess type from the FIELD event.</summary>
    public Query.Type Type { get; }

    /// <summary>How values are written.</summary>
    public ColumnKind Kind { get; }

    /// <summary>
    /// True when the column is left out of schemas and rows (a type the Vitess connector has no mapping for, without
    /// <c>include.unknown.datatypes</c>).
    /// </summary>
    public bool IsOmitted => Kind == ColumnKind.Omitted;

    /// <summary>True when the column may be NULL (no NOT_NULL flag): its schema is optional.</summary>
    public bool Optional { get; }

    /// <summary>
    /// Chooses the conversion for a FIELD column. Throws <see cref="DebeziumEventException"/> for a type Debezium has no
    /// mapping for (TUPLE, EXPRESSION, HEXNUM, … or a number that is no Vitess type).
    /// </summary>
    public static ColumnConverter Create(Query.Field field, bool enumSetStrings, DebeziumEventOptions options, string context)
    {
        var kind = field.Type switch
        {
            Query.Type.NullType => ColumnKind.Null,
            Query.Type.Int8 or Query.Type.Uint8 or Query.Type.Int16 => ColumnKind.Int16,
            Query.Type.Uint16 or Query.Type.Int24 or Query.Type.Uint24 or Query.Type.Int32 => ColumnKind.Int32,
            Query.Type.Uint32 or Query.Type.Int64 => ColumnKind.Int64,
            Query.Type.Uint64 => options.BigIntUnsignedHandling switch
            {
                BigIntUnsignedHandling.Long => ColumnKind.UInt64Long,
                BigIntUnsignedHandling.Precise => ColumnKind.UInt64Precise,
                _ => ColumnKind.UInt64String,
            },
            Query.Type.Float32 => options.FloatHandling == FloatHandling.Float ? ColumnKind.Float32 : ColumnKind.Float32AsDouble,
            Query.Type.Float64 => ColumnKind.Float64,
            Query.Type.Decimal => options.DecimalHandling switch
            {
                DecimalHandling.String => ColumnKind.DecimalString,
                DecimalHandling.Double => ColumnKind.DecimalDouble,
                _ => ColumnKind.DecimalPrecise,
            },
            Query.Type.Date => options.TimePrecisionMode == TimePrecisionMode.IsoString ? ColumnKind.IsoText : ColumnKind.DateDays,
            Query.Type.Time => options.TimePrecisionMode switch
            {
                TimePrecisionMode.IsoString => ColumnKind.IsoText,
                TimePrecisionMode.Connect => ColumnKind.TimeMillis,
                _ => ColumnKind.TimeMicros,
            },
            Query.Type.Datetime => options.TimePrecisionMode switch
            {
                TimePrecisionMode.IsoString => ColumnKind.IsoText,
                TimePrecisionMode.Connect => ColumnKind.DateTimeMillis,
                _ when field.Decimals <= 3 => ColumnKind.DateTimeMillis,
                _ => ColumnKind.DateTimeMicros,
            },
            Query.Type.Timestamp => options.TimePrecisionMode == TimePrecisionMode.Connect ? ColumnKind.DateTimeMillis : ColumnKind.ZonedTimestamp,
            Query.Type.Year => ColumnKind.Year,
            Query.Type.Text or Query.Type.Varchar or Query.Type.Char => ColumnKind.Text,
            // Vitess types a character column with a binary (_bin) collation BLOB/VARBINARY/BINARY; Debezium's VitessType
            // (DBZ-6748, DBZ-8679, DBZ-8694) tells them from true binary columns by column_type and keeps them strings.
            Query.Type.Blob when IsAny(field.ColumnType, "tinytext", "text", "mediumtext", "longtext") => ColumnKind.Text,
            Query.Type.Varbinary when ColumnTypeText.Is(field.ColumnType, "varchar") => ColumnKind.Text,
            Query.Type.Binary or Query.Type.Varbinary when ColumnTypeText.Is(field.ColumnType, "char") => ColumnKind.Text,
            Query.Type.Binary or Query.Type.Varbinary when ColumnTypeText.Is(field.ColumnType, "enum") => ColumnKind.Enum,
            Query.Type.Binary or Query.Type.Varbinary when ColumnTypeText.Is(field.ColumnType, "set") => ColumnKind.EnumSet,
            Query.Type.Blob or Query.Type.Varbinary or Query.Type.Binary => ColumnKind.Bytes,
            Query.Type.Bit => (ColumnTypeText.FirstNumber(field.ColumnType) ?? (int)field.ColumnLength) <= 1 ? ColumnKind.Boolean
                : options.BitsByteOrder == BitsByteOrder.LittleEndian ? ColumnKind.Bits : ColumnKind.BitsBigEndian,
            Query.Type.Enum => ColumnKind.Enum,
            Query.Type.Set => ColumnKind.EnumSet,
            Query.Type.Json => ColumnKind.Json,
            // The Vitess connector has no mapping for spatial types (VitessType resolves them to Types.OTHER).
            Query.Type.Geometry => options.GeometryAsStruct ? ColumnKind.Geometry
                : options.IncludeUnknownDatatypes ? ColumnKind.UnknownBytes : ColumnKind.Omitted,
            // Nor for VECTOR (VitessType has no case for it).
            Query.Type.Vector => options.VectorAsFloatVector ? ColumnKind.FloatVector
                : options.IncludeUnknownDatatypes ? ColumnKind.UnknownBytes : ColumnKind.Omitted,
            _ => throw new DebeziumEventException(
                $"{context}: column type {TypeName(field.Type)} ({(int)field.Type}, column_type '{field.ColumnType}') has no Debezium mapping"),
        };
        return new ColumnConverter(field, context, kind, options, enumSetStrings);
    }

    private static bool IsAny(string columnType, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (ColumnTypeText.Is(columnType, name))
                return true;
        }
        return false;
    }

    /// <summary>Writes the column's schema as a struct member named after the column.</summary>
    public void WriteSchema(Utf8JsonWriter writer, bool optional)
    {
        switch (Kind)
        {
            case ColumnKind.Omitted:
                return;
            case ColumnKind.Geometry:
                ConnectSchemaWriter.BeginStruct(writer);
                ConnectSchemaWriter.Primitive(writer, "bytes", optional: false, "wkb");
                ConnectSchemaWriter.Primitive(writer, "int32", optional: true, "srid");
                ConnectSchemaWriter.EndStruct(writer, optional, Name, "io.debezium.data.geometry.Geometry", 1, "Geometry");
                return;
            case ColumnKind.FloatVector:
                ConnectSchemaWriter.BeginArray(writer);
                ConnectSchemaWriter.Primitive(writer, "float", optional: false, field: null);
                ConnectSchemaWriter.EndArray(writer, optional, Name, "io.debezium.data.FloatVector", 1);
                return;
            default:
                ConnectSchemaWriter.Primitive(writer, _schemaType!, optional || Kind == ColumnKind.Null, Name, _logicalName, _version, _parameters);
                return;
        }
    }

    /// <summary>Writes one non-NULL value (the bytes VStream sent for the cell).</summary>
    public void WriteValue(Utf8JsonWriter writer, ReadOnlySpan<byte> value, ValueScratch scratch)
    {
        switch (Kind)
        {
            case ColumnKind.Omitted:
                throw new InvalidOperationException($"{_context}: an omitted column has no value to write");
            case ColumnKind.Null:
                writer.WriteNullValue();
                return;
            case ColumnKind.Int16:
                writer.WriteNumberValue(short.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i16) ? i16 : throw Bad(value, "a 16-bit integer"));
                return;
            case ColumnKind.Int32:
                writer.WriteNumberValue(int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i32) ? i32 : throw Bad(value, "a 32-bit integer"));
                return;
            case ColumnKind.Int64:
                writer.WriteNumberValue(long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i64) ? i64 : throw Bad(value, "a 64-bit integer"));
                return;
            case ColumnKind.Year:
                writer.WriteNumberValue(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : throw Bad(value, "a year"));
                return;
            case ColumnKind.UInt64Long:
                writer.WriteNumberValue(ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var u64) ? unchecked((long)u64) : throw Bad(value, "an unsigned 64-bit integer"));
                return;
            case ColumnKind.UInt64String:
                if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    throw Bad(value, "an unsigned 64-bit integer");
                writer.WriteStringValue(value);
                return;
            case ColumnKind.UInt64Precise or ColumnKind.DecimalPrecise:
                WriteDecimal(writer, value);
                return;
            case ColumnKind.Float32:
                writer.WriteNumberValue(float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f32) && float.IsFinite(f32) ? f32 : throw Bad(value, "a FLOAT"));
                return;
            case ColumnKind.Float32AsDouble:
                // Java's Float.valueOf(text).doubleValue(), which the Vitess connector writes: the float's exact value
                // as a double (1.1 → 1.100000023841858), printed as the shortest text that reads back as that double.
                writer.WriteNumberValue(float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f32d) && float.IsFinite(f32d) ? (double)f32d : throw Bad(value, "a FLOAT"));
                return;
            case ColumnKind.Float64:
            case ColumnKind.DecimalDouble:
                writer.WriteNumberValue(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f64) && double.IsFinite(f64) ? f64 : throw Bad(value, "a number"));
                return;
            case ColumnKind.DecimalString:
                if (DecimalText.TryWriteSmall(value, _scale, stackalloc byte[DecimalText.MaxSmallBytes]) == -2)
                    throw Bad(value, $"a DECIMAL with scale {_scale}");
                writer.WriteStringValue(value);
                return;
            case ColumnKind.DateDays:
                {
                    if (!TemporalText.TryParseDate(value, out var days, out var zero))
                        throw Bad(value, "a DATE");
                    if (zero)
                        WriteZero(writer);
                    else
                        writer.WriteNumberValue(checked((int)days));
                    return;
                }
            case ColumnKind.TimeMicros:
                writer.WriteNumberValue(TemporalText.TryParseTime(value, out var timeMicros) ? timeMicros : throw Bad(value, "a TIME"));
                return;
            case ColumnKind.TimeMillis:
                {
                    if (!TemporalText.TryParseTime(value, out var timeMicros2))
                        throw Bad(value, "a TIME");
                    var millis = timeMicros2 / 1000;
                    writer.WriteNumberValue(millis is >= int.MinValue and <= int.MaxValue ? (int)millis : throw Bad(value, "a TIME that fits Kafka Connect's int32 Time (time.precision.mode connect)"));
                    return;
                }
            case ColumnKind.DateTimeMillis or ColumnKind.DateTimeMicros:
                {
                    if (!TemporalText.TryParseDateTime(value, out var micros, out var zero))
                        throw Bad(value, Type == Query.Type.Timestamp ? "a TIMESTAMP" : "a DATETIME");
                    if (zero)
                        WriteZero(writer);
                    else
                        writer.WriteNumberValue(Kind == ColumnKind.DateTimeMicros ? micros : TemporalText.FloorDiv(micros, 1000));
                    return;
                }
            case ColumnKind.ZonedTimestamp:
                WriteZoned(writer, value);
                return;
            case ColumnKind.IsoText:
                if (value.ContainsAnyExceptInRange((byte)' ', (byte)'~'))
                    throw Bad(value, "temporal text");
                writer.WriteStringValue(value);
                return;
            case ColumnKind.Text:
            case ColumnKind.Json:
                WriteText(writer, value, scratch);
                return;
            case ColumnKind.Enum:
            case ColumnKind.EnumSet:
                if (_numericEnumSet)
                    writer.WriteStringValue(EnumText(value));
                else
                    WriteText(writer, value, scratch);
                return;
            case ColumnKind.Bytes or ColumnKind.UnknownBytes:
                WriteBytes(writer, value, scratch);
                return;
            case ColumnKind.Boolean:
                writer.WriteBooleanValue(value.ContainsAnyExcept((byte)0));
                return;
            case ColumnKind.Bits:
                {
                    // VStream sends BIT big-endian; Debezium's Bits are little-endian, (n+7)/8 bytes.
                    var size = (_bits + 7) / 8;
                    var bytes = scratch.Bytes(size);
                    for (var i = 0; i < size; i++)
                        bytes[i] = i < value.Length ? value[value.Length - 1 - i] : (byte)0;
                    writer.WriteBase64StringValue(bytes);
                    return;
                }
            case ColumnKind.BitsBigEndian:
                {
                    // VStream sends (n+7)/8 bytes, most significant first, which the Vitess connector passes on.
                    var size = (_bits + 7) / 8;
                    if (value.Length == size)
                    {
                        writer.WriteBase64StringValue(value);
                        return;
                    }
                    // Any other length (not seen from MySQL or MariaDB) keeps the value: right-aligned, zero-filled.
                    var bytes = scratch.Bytes(size);
                    for (var i = 1; i <= size; i++)
                        bytes[size - i] = i <= value.Length ? value[value.Length - i] : (byte)0;
                    writer.WriteBase64StringValue(bytes);
                    return;
                }
            case ColumnKind.Geometry:
                {
                    // MySQL's internal geometry format: a little-endian SRID, then standard WKB.
                    if (value.Length < 5)
                        throw Bad(value, "a geometry (SRID + WKB)");
                    writer.WriteStartObject();
                    writer.WriteBase64String(DebeziumJson.Wkb, value[4..]);
                    writer.WriteNumber(DebeziumJson.Srid, BinaryPrimitives.ReadInt32LittleEndian(value));
                    writer.WriteEndObject();
                    return;
                }
            case ColumnKind.FloatVector:
                {
                    if (value.Length % 4 != 0)
                        throw Bad(value, "a VECTOR (float32 elements)");
                    writer.WriteStartArray();
                    for (var i = 0; i < value.Length; i += 4)
                        writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(value[i..]));
                    writer.WriteEndArray();
                    return;
                }
            default:
                throw new DebeziumEventException($"{_context}: no value conversion for column kind {Kind}");
        }
    }

    /// <summary>The Vitess type name (e.g. <c>INT32</c>) for messages.</summary>
    public static string TypeName(Query.Type type) =>
        Query.Field.Descriptor.FindFieldByNumber(Query.Field.TypeFieldNumber).EnumType.FindValueByNumber((int)type)?.Name ?? ((int)type).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// MySQL's zero date (month or day 0): null for a nullable column, else the epoch, as Debezium's MySQL connector
    /// does.
    /// </summary>
    private void WriteZero(Utf8JsonWriter writer)
    {
        if (Optional)
        {
            writer.WriteNullValue();
            return;
        }
        if (Kind == ColumnKind.ZonedTimestamp)
            writer.WriteStringValue("1970-01-01T00:00:00Z"u8);
        else
            writer.WriteNumberValue(0);
    }

    private void WriteZoned(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        // VStream sends TIMESTAMP in UTC with exactly the column's fraction digits: keep them, make it ISO-8601.
        if (!TemporalText.TryParseDateTime(value, out _, out var zero))
            throw Bad(value, "a TIMESTAMP");
        if (zero)
        {
            WriteZero(writer);
            return;
        }
        Span<byte> iso = stackalloc byte[32];
        value.CopyTo(iso);
        iso[10] = (byte)'T';
        iso[value.Length] = (byte)'Z';
        writer.WriteStringValue(iso[..(value.Length + 1)]);
    }

    private void WriteDecimal(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        Span<byte> small = stackalloc byte[DecimalText.MaxSmallBytes];
        var length = DecimalText.TryWriteSmall(value, _scale, small);
        if (length >= 0)
        {
            writer.WriteBase64StringValue(small[..length]);
            return;
        }
        var large = length == -1 ? DecimalText.ToBytesLarge(value, _scale) : null;
        writer.WriteBase64StringValue(large ?? throw Bad(value, $"a DECIMAL with scale {_scale}"));
    }

    private void WriteText(Utf8JsonWriter writer, ReadOnlySpan<byte> value, ValueScratch scratch)
    {
        if (_latin1)
        {
            var latin1 = scratch.Chars(value.Length);
            TextCharsets.DecodeLatin1(value, latin1);
            WriteChars(writer, latin1, scratch);
            return;
        }
        if (_encoding is not null)
        {
            Span<char> chars;
            try
            {
                chars = scratch.Chars(_encoding.GetMaxCharCount(value.Length));
                chars = chars[.._encoding.GetChars(value, chars)];
            }
            catch (DecoderFallbackException)
            {
                throw Bad(value, $"text in {_encoding.WebName}");
            }
            WriteChars(writer, chars, scratch);
            return;
        }
        if (JsonTextEscaper.IsPlainAscii(value))
        {
            // ASCII is valid UTF-8, and Utf8JsonWriter escapes none of these characters.
            writer.WriteStringValue(value);
            return;
        }
        if (value.Length > JsonTextEscaper.MaxLength)
        {
            if (!Utf8.IsValid(value))
                throw Bad(value, "UTF-8 text");
            writer.WriteStringValue(value);
            return;
        }
        // The escaper validates the UTF-8 as it goes and writes the bytes Utf8JsonWriter would (JsonTextEscaper).
        var escaped = scratch.Escaped();
        if (!JsonTextEscaper.TryWriteQuoted(value, escaped))
            throw Bad(value, "UTF-8 text");
        writer.WriteRawValue(escaped.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>
    /// Decoded text (latin1 or another character set): transcoded to UTF-8 and escaped as UTF-8 text is, which writes
    /// the bytes Utf8JsonWriter writes for the characters (JsonTextEscaperTests).
    /// </summary>
    private static void WriteChars(Utf8JsonWriter writer, ReadOnlySpan<char> chars, ValueScratch scratch)
    {
        if (chars.Length <= JsonTextEscaper.MaxLength / 3)
        {
            var utf8 = scratch.Bytes(chars.Length * 3);
            var escaped = scratch.Escaped();
            if (Utf8.FromUtf16(chars, utf8, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
                && JsonTextEscaper.TryWriteQuoted(utf8[..written], escaped))
            {
                writer.WriteRawValue(escaped.WrittenSpan, skipInputValidation: true);
                return;
            }
        }
        // Very long text, or characters that are no valid UTF-16 (not produced by the decoders): as before.
        writer.WriteStringValue(chars);
    }

    private void WriteBytes(Utf8JsonWriter writer, ReadOnlySpan<byte> value, ValueScratch scratch)
    {
        switch (_binary)
        {
            case BinaryHandling.Hex:
                {
                    var chars = scratch.Chars(value.Length * 2);
                    Convert.TryToHexStringLower(value, chars, out _);
                    writer.WriteStringValue(chars);
                    return;
                }
            case BinaryHandling.Base64UrlSafe:
                {
                    var bytes = scratch.Bytes(Base64.GetMaxEncodedToUtf8Length(value.Length));
                    Base64.EncodeToUtf8(value, bytes, out _, out var written);
                    bytes = bytes[..written];
                    bytes.Replace((byte)'+', (byte)'-');
                    bytes.Replace((byte)'/', (byte)'_');
                    writer.WriteStringValue(bytes);
                    return;
                }
            default:
                writer.WriteBase64StringValue(value);
                return;
        }
    }

    /// <summary>ENUM ordinals and SET bitmasks, sent by streams that predate string values (enum_set_string_values false).</summary>
    private string EnumText(ReadOnlySpan<byte> value)
    {
        if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw Bad(value, Kind == ColumnKind.Enum ? "an ENUM ordinal" : "a SET bitmask");
        var allowed = _allowed!;
        if (Kind == ColumnKind.Enum)
            return number >= 1 && number <= (ulong)allowed.Length ? allowed[number - 1] : "";
        var text = new StringBuilder();
        for (var i = 0; i < allowed.Length && i < 64; i++)
        {
            if ((number & (1UL << i)) == 0)
                continue;
            if (text.Length > 0)
                text.Append(',');
            text.Append(allowed[i]);
        }
        return text.ToString();
    }

    private DebeziumEventException Bad(ReadOnlySpan<byte> value, string expected)
    {
        var shown = value.Length > 64 ? value[..64] : value;
        var text = Utf8.IsValid(shown) ? Encoding.UTF8.GetString(shown) : Convert.ToHexString(shown);
        return new DebeziumEventException($"{_context} ({TypeName(Type)}): value '{text}{(value.Length > 64 ? "…" : "")}' is not {expected}");
    }

}
