using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using VGate.Kafka.Events;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.Cli.Output;

/// <summary>
/// Writes one non-NULL column value of a row image as a JSON value, in the form docs/binlog-json.md gives for its
/// type. Numbers are written through <see cref="Utf8JsonWriter"/>'s number methods (never as raw text), so the output
/// is always valid JSON; a value that has no JSON form (a NaN or infinite float, which MySQL cannot store) throws
/// <see cref="FormatException"/>.
/// </summary>
internal static class ColumnValueJsonWriter
{
    public static void Write(Utf8JsonWriter json, ColumnInfo column, ReadOnlySpan<byte> cell, ArrayBufferWriter<byte> scratch)
    {
        switch (ColumnValueDecoder.GetValueKind(column))
        {
            case ValueKind.Integer when column.Type == ColumnType.Year:
                // The zero year is 0 (SELECT shows 0000, which is not a JSON number).
                json.WriteNumberValue(ColumnValueDecoder.GetUInt64(column, cell));
                break;
            case ValueKind.Integer:
                json.WriteNumberValue(ColumnValueDecoder.GetInt64(column, cell));
                break;
            case ValueKind.UnsignedInteger:
                json.WriteNumberValue(ColumnValueDecoder.GetUInt64(column, cell));
                break;
            case ValueKind.Float:
                WriteFloat(json, column, cell);
                break;
            case ValueKind.Bit:
                json.WriteNumberValue(ColumnValueDecoder.GetUInt64(column, cell));
                break;
            case ValueKind.Enum:
                WriteEnum(json, column, cell, scratch);
                break;
            case ValueKind.Set:
                WriteSet(json, column, cell, scratch);
                break;
            case ValueKind.Json:
                // MySQL's binary JSON decoded to JSON text; validated by the writer, so a decoder bug cannot make the
                // line unparsable.
                WriteText(column, cell, scratch);
                json.WriteRawValue(scratch.WrittenSpan, skipInputValidation: false);
                break;
            case ValueKind.Binary when column.Type == ColumnType.String:
                // BINARY(n): the binlog drops trailing 0x00 bytes; WriteText pads them back to the n bytes SELECT returns.
                WriteText(column, cell, scratch);
                json.WriteBase64StringValue(scratch.WrittenSpan);
                break;
            case ValueKind.Binary:
            case ValueKind.Geometry:
                json.WriteBase64StringValue(ColumnValueDecoder.GetPayload(column, cell));
                break;
            case ValueKind.Vector:
                WriteVector(json, ColumnValueDecoder.GetPayload(column, cell));
                break;
            case ValueKind.Text:
                WriteCharacters(json, column, cell, scratch);
                break;
            case ValueKind.Null:
                json.WriteNullValue();
                break;
            default:
                // DECIMAL (every digit, the column's scale) and temporal values: strings of their SELECT text.
                WriteText(column, cell, scratch);
                json.WriteStringValue(scratch.WrittenSpan);
                break;
        }
    }

    private static void WriteCharacters(Utf8JsonWriter json, ColumnInfo column, ReadOnlySpan<byte> cell, ArrayBufferWriter<byte> scratch)
    {
        // Text that is already what the string would be encoded back to (valid UTF-8 in a UTF-8 column, ASCII in an
        // ASCII-compatible one) is escaped as it is, into the same bytes; anything else is decoded from the column's
        // character set first (invalid UTF-8 becomes U+FFFD there).
        var payload = ColumnValueDecoder.GetPayload(column, cell);
        var passThrough = payload.Length <= JsonTextEscaper.MaxLength && GetCharset(column.CollationId) switch
        {
            Charset.Utf8 => true, // TryWriteQuoted checks that it is valid
            Charset.AsciiCompatible => System.Text.Ascii.IsValid(payload),
            _ => false,
        };
        scratch.ResetWrittenCount();
        if (passThrough && JsonTextEscaper.TryWriteQuoted(payload, scratch))
            json.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
        else if (column.Type == ColumnType.String || payload.Length > JsonTextEscaper.MaxLength / 4 || !TryWriteTranscoded(json, column, payload, scratch))
            json.WriteStringValue(ColumnValueDecoder.ToText(column, cell));
    }

    /// <summary>
    /// Text of another character set (or ill-formed UTF-8): decoded as <see cref="ColumnValueDecoder.ToText"/> decodes
    /// it, into a pooled buffer instead of a string (a 70 KB text is a large-object-heap string otherwise), encoded to
    /// UTF-8 and escaped by <see cref="JsonTextEscaper"/>: the bytes <see cref="Utf8JsonWriter.WriteStringValue(string)"/>
    /// writes for that string. False, writing nothing, when the decoded text has a lone surrogate (the caller then
    /// writes the string, which Utf8JsonWriter handles its own way).
    /// </summary>
    private static bool TryWriteTranscoded(Utf8JsonWriter json, ColumnInfo column, ReadOnlySpan<byte> payload, ArrayBufferWriter<byte> scratch)
    {
        var encoding = MySqlCharsets.GetEncoding(column.CollationId);
        var chars = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(payload.Length));
        byte[]? utf8 = null;
        try
        {
            var length = encoding.GetChars(payload, chars);
            utf8 = ArrayPool<byte>.Shared.Rent(length * 3);
            if (System.Text.Unicode.Utf8.FromUtf16(chars.AsSpan(0, length), utf8, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
                return false;
            scratch.ResetWrittenCount();
            JsonTextEscaper.TryWriteQuoted(utf8.AsSpan(0, written), scratch); // valid UTF-8: cannot fail
            json.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            if (utf8 is not null)
                ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private enum Charset : byte
    {
        Unknown,
        Utf8,
        AsciiCompatible,
        Other,
    }

    // Charset by collation id (ids are below 4096 in MySQL and MariaDB; larger ones are looked up each time).
    private static readonly Charset[] Charsets = new Charset[4096];

    private static Charset GetCharset(int collationId)
    {
        if ((uint)collationId < (uint)Charsets.Length && Charsets[collationId] is var known && known != Charset.Unknown)
            return known;
        var charset = MySqlCharsets.GetEncoding(collationId) switch
        {
            System.Text.UTF8Encoding => Charset.Utf8,
            // ASCII, and latin1 (Windows-1252 as MySQL defines it): bytes below 0x80 are those ASCII characters.
            { CodePage: 20127 or 1252 } => Charset.AsciiCompatible,
            _ => Charset.Other,
        };
        if ((uint)collationId < (uint)Charsets.Length)
            Charsets[collationId] = charset;
        return charset;
    }

    private static void WriteFloat(Utf8JsonWriter json, ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        var value = ColumnValueDecoder.GetDouble(column, cell);
        if (!double.IsFinite(value))
            throw NotFinite(value);
        // The shortest text that reads back as the same number: for FLOAT, parsed as a 32-bit float (more digits than
        // SELECT's 6 when needed, so no stored bit is lost); for DOUBLE, as a 64-bit float.
        if (column.Type == ColumnType.Float)
            json.WriteNumberValue((float)value);
        else
            json.WriteNumberValue(value);
    }

    private static void WriteEnum(Utf8JsonWriter json, ColumnInfo column, ReadOnlySpan<byte> cell, ArrayBufferWriter<byte> scratch)
    {
        var index = ColumnValueDecoder.GetUInt64(column, cell);
        // Index 0 is the invalid value a non-strict INSERT stores for a bad member: the number 0, so it is not mistaken
        // for a real '' member (a string). Without member names every value is its index.
        if (index == 0 || column.EnumValues is not { } names || index > (ulong)names.Count)
        {
            json.WriteNumberValue(index);
            return;
        }
        WriteText(column, cell, scratch);
        json.WriteStringValue(scratch.WrittenSpan);
    }

    private static void WriteSet(Utf8JsonWriter json, ColumnInfo column, ReadOnlySpan<byte> cell, ArrayBufferWriter<byte> scratch)
    {
        var bits = ColumnValueDecoder.GetUInt64(column, cell);
        if (column.SetValues is not { } names || (names.Count < 64 && (bits >> names.Count) != 0))
        {
            json.WriteNumberValue(bits);
            return;
        }
        WriteText(column, cell, scratch);
        json.WriteStringValue(scratch.WrittenSpan);
    }

    private static void WriteVector(Utf8JsonWriter json, ReadOnlySpan<byte> payload)
    {
        if (payload.Length % 4 != 0)
            throw new FormatException($"a VECTOR value of {payload.Length} bytes is not a whole number of float32 values");
        json.WriteStartArray();
        for (var i = 0; i < payload.Length; i += 4)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(payload[i..]);
            if (!float.IsFinite(value))
                throw NotFinite(value);
            json.WriteNumberValue(value);
        }
        json.WriteEndArray();
    }

    private static void WriteText(ColumnInfo column, ReadOnlySpan<byte> cell, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        ColumnValueDecoder.WriteText(column, cell, scratch);
    }

    private static FormatException NotFinite(double value) =>
        new($"the value is {(double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity")}, which JSON cannot represent (MySQL and MariaDB cannot store it either, so the binlog is damaged)");
}
