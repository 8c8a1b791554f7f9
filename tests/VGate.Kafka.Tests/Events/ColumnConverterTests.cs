using System.Text.Json;
using VGate.Kafka.Events;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// How a FIELD column's Vitess type and column_type choose its Debezium conversion. Vitess types character columns with a
/// binary (<c>_bin</c>) collation BINARY/VARBINARY/BLOB (as MySQL flags them BINARY); Debezium's Vitess connector keeps
/// them strings by their column_type. Cases from debezium-connector-vitess VitessTypeTest
/// (shouldResolveVitessTypeWhereColumnTypeDiffers) plus ENUM/SET, tinytext/longtext (DBZ-8679, DBZ-8694).
/// </summary>
public sealed class ColumnConverterTests
{
    private static readonly DebeziumEventOptions Options = new() { TopicPrefix = "p" };

    [Theory]
    [InlineData(Query.Type.Varbinary, "varchar(32)", "Text")]
    [InlineData(Query.Type.Binary, "char(9)", "Text")]
    [InlineData(Query.Type.Binary, "binary(9)", "Bytes")]
    [InlineData(Query.Type.Varbinary, "varbinary(9)", "Bytes")]
    [InlineData(Query.Type.Blob, "text", "Text")]
    [InlineData(Query.Type.Blob, "mediumtext", "Text")]
    [InlineData(Query.Type.Blob, "tinytext", "Text")]
    [InlineData(Query.Type.Blob, "longtext", "Text")]
    [InlineData(Query.Type.Blob, "blob", "Bytes")]
    [InlineData(Query.Type.Blob, "longblob", "Bytes")]
    [InlineData(Query.Type.Binary, "enum('S','M','L')", "Enum")]
    [InlineData(Query.Type.Binary, "set('red','blue')", "EnumSet")]
    [InlineData(Query.Type.Char, "char(4)", "Text")]
    [InlineData(Query.Type.Enum, "enum('a')", "Enum")]
    public void Create_BinaryTypedColumn_KindFollowsColumnType(Query.Type type, string columnType, string expected)
    {
        var field = new Query.Field { Name = "c", Type = type, ColumnType = columnType };

        Assert.Equal(expected, ColumnConverter.Create(field, enumSetStrings: true, Options, "t").Kind.ToString());
    }

    /// <summary>
    /// Text columns arrive in their own character set (as Vitess sends them); the record holds the characters. Bytes
    /// and collation ids as MariaDB 10.11 stores them (ids from information_schema.COLLATIONS): latin1 is Windows-1252
    /// (0x80 is the euro sign), ucs2/utf16/utf32 are big-endian, NO PAD collations are the base id + 1024.
    /// </summary>
    [Theory]
    [InlineData(8u, "63616680", "caf€")] // latin1_swedish_ci
    [InlineData(8u, "818D8F909D9F", "\u0081\u008D\u008F\u0090\u009DŸ")] // latin1: the bytes cp1252 leaves undefined are C1 controls
    [InlineData(1071u, "E9E0", "éà")] // latin1_nopad_bin
    [InlineData(51u, "C0E1E2", "Абв")] // cp1251_general_ci
    [InlineData(35u, "04100431D83DDE00", "Аб😀")] // ucs2_general_ci (surrogates pass through as UTF-16)
    [InlineData(54u, "0061D83DDE80", "a🚀")] // utf16_general_ci
    [InlineData(1078u, "00410042", "AB")] // utf16_general_nopad_ci (1024 + 54)
    [InlineData(60u, "0001F6000000004A", "😀J")] // utf32_general_ci
    [InlineData(45u, "C3A9E282AC", "é€")] // utf8mb4_general_ci: written as it is
    [InlineData(1069u, "F09F9A80", "🚀")] // utf8mb4_nopad_bin
    public void WriteValue_TextInColumnCharset_WritesItsCharacters(uint collation, string hex, string expected)
    {
        var field = new Query.Field { Name = "c", Type = Query.Type.Varchar, ColumnType = "varchar(40)", Charset = collation };

        Assert.Equal(expected, Render(field, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData(45u, "C328")] // not UTF-8
    [InlineData(54u, "DC00")] // a lone low surrogate is not UTF-16
    [InlineData(60u, "00110000")] // beyond U+10FFFF is not UTF-32
    public void WriteValue_TextNotInColumnCharset_FailsNamingTheColumn(uint collation, string hex)
    {
        var field = new Query.Field { Name = "c", Type = Query.Type.Varchar, ColumnType = "varchar(40)", Charset = collation };

        var error = Assert.Throws<DebeziumEventException>(() => Render(field, Convert.FromHexString(hex)));
        Assert.StartsWith("t (VARCHAR): value '", error.Message, StringComparison.Ordinal);
        Assert.Contains("' is not ", error.Message, StringComparison.Ordinal);
    }

    private static string Render(Query.Field field, byte[] value)
    {
        var converter = ColumnConverter.Create(field, enumSetStrings: true, Options, "t");
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            converter.WriteValue(writer, value, new ValueScratch());
        return JsonDocument.Parse(buffer.ToArray()).RootElement.GetString()!;
    }
}
