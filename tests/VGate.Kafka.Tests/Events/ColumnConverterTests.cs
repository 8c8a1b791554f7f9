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
}
