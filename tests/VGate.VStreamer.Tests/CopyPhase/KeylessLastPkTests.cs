using Google.Protobuf;
using VGate.VStreamer.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>The resume condition of a table without key: every orderable column, NULL-aware, character columns as bytes.</summary>
public sealed class KeylessLastPkTests
{
    private static readonly CopyColumn A = CopyColumnFactory.Create(0, new InformationSchemaColumn { Name = "a", DataType = "int", ColumnType = "int(11)", IsNullable = true }, isPrimaryKey: false);

    private static readonly CopyColumn B = CopyColumnFactory.Create(1, new InformationSchemaColumn
    {
        Name = "b", DataType = "varchar", ColumnType = "varchar(10)", IsNullable = true, OctetLength = 40,
        CharsetName = "utf8mb4", CollationName = "utf8mb4_general_ci", CollationId = 45,
    }, isPrimaryKey: false);

    private static readonly CopyColumn F = CopyColumnFactory.Create(2, new InformationSchemaColumn { Name = "f", DataType = "double", ColumnType = "double", IsNullable = true }, isPrimaryKey: false);

    private static readonly CopyTableSchema Keyless = new("nk", [A, B, F], [0, 1], null);

    [Fact]
    public void IsKeylessOrderable_FloatAndDoubleAreNot()
    {
        Assert.True(LastPk.IsKeylessOrderable(A));
        Assert.True(LastPk.IsKeylessOrderable(B));
        Assert.False(LastPk.IsKeylessOrderable(F));
    }

    [Fact]
    public void OrderExpressions_CharacterColumnsOrderAsBytes()
    {
        Assert.Equal(["`a`", "LEFT(CAST(`b` AS BINARY), 1024)"], LastPk.OrderExpressions(Keyless));
    }

    [Fact]
    public void BuildCondition_Values_ComparesCharacterColumnAsBytes()
    {
        var condition = LastPk.BuildCondition(Keyless, Result(["a", "b"], "7", "x"));

        Assert.Equal("(`a` > 7) OR (`a` = 7 AND LEFT(CAST(`b` AS BINARY), 1024) > X'78')", condition);
    }

    [Fact]
    public void BuildCondition_Nulls_IsNullAndIsNotNull()
    {
        // NULL sorts first: after a = NULL come the rows with a value, and the rows with a NULL and a greater b.
        var condition = LastPk.BuildCondition(Keyless, Result(["a", "b"], null, null));

        Assert.Equal("(`a` IS NOT NULL) OR (`a` IS NULL AND LEFT(CAST(`b` AS BINARY), 1024) IS NOT NULL)", condition);
    }

    [Fact]
    public void BuildCondition_NullForANotNullKeyColumn_InvalidArgument()
    {
        var keyed = new CopyTableSchema("k",
            [CopyColumnFactory.Create(0, new InformationSchemaColumn { Name = "id", DataType = "int", ColumnType = "int(11)", IsNullable = false }, isPrimaryKey: true)],
            [0], "PRIMARY");

        var error = Assert.Throws<VStreamException>(() => LastPk.BuildCondition(keyed, Result(["id"], [null])));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
        Assert.Contains("NULL for id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildCondition_KeylessTableWithoutOrderableColumn_NoFieldsMeansEverythingWasSent()
    {
        var onlyDouble = new CopyTableSchema("d", [F], [], null);

        Assert.Equal("FALSE", LastPk.BuildCondition(onlyDouble, Result([])));
    }

    private static Query.QueryResult Result(string[] names, params string?[] values)
    {
        var result = new Query.QueryResult();
        foreach (var name in names)
            result.Fields.Add(new Query.Field { Name = name });
        var row = new Query.Row { Values = ByteString.CopyFromUtf8(string.Concat(values)) };
        foreach (var value in values)
            row.Lengths.Add(value is null ? -1 : System.Text.Encoding.UTF8.GetByteCount(value));
        result.Rows.Add(row);
        return result;
    }
}
