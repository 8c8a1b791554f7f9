using Google.Protobuf;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

public sealed class LastPkTests
{
    private static readonly CopyTableSchema Table = new(
        "k",
        [
            CopyColumnFactory.Create(0, new InformationSchemaColumn { Name = "a", DataType = "int", ColumnType = "int(11)", IsNullable = false }, isPrimaryKey: true),
            CopyColumnFactory.Create(1, new InformationSchemaColumn
            {
                Name = "b", DataType = "varchar", ColumnType = "varchar(10)", IsNullable = false, OctetLength = 40,
                CharsetName = "utf8mb4", CollationName = "utf8mb4_unicode_ci", CollationId = 224,
            }, isPrimaryKey: true),
            CopyColumnFactory.Create(2, new InformationSchemaColumn { Name = "d", DataType = "datetime", ColumnType = "datetime", IsNullable = false }, isPrimaryKey: true),
        ],
        [0, 1, 2],
        "PRIMARY");

    [Fact]
    public void BuildCondition_CompositeKey_RowsAfterInKeyOrderWithColumnCollation()
    {
        var condition = LastPk.BuildCondition(Table, LastPkResult(["a", "b", "d"], "1", "x'y", "2020-01-02 03:04:05"));

        Assert.Equal(
            "(`a` > 1) OR (`a` = 1 AND `b` > CONVERT(X'782779' USING utf8mb4) COLLATE utf8mb4_unicode_ci) OR " +
            "(`a` = 1 AND `b` = CONVERT(X'782779' USING utf8mb4) COLLATE utf8mb4_unicode_ci AND `d` > '2020-01-02 03:04:05')",
            condition);
    }

    [Theory]
    [InlineData("1 OR 1=1", "2020-01-01")]
    [InlineData("1", "2020'--")]
    public void BuildCondition_ValueThatIsNotOfTheColumnType_InvalidArgument(string a, string d)
    {
        var error = Assert.Throws<VStreamException>(() => LastPk.BuildCondition(Table, LastPkResult(["a", "b", "d"], a, "x", d)));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
    }

    [Fact]
    public void BuildCondition_OtherColumnsThanTheKey_InvalidArgument()
    {
        var error = Assert.Throws<VStreamException>(() => LastPk.BuildCondition(Table, LastPkResult(["id"], "1")));

        Assert.Contains("copied by (a,b,d)", error.Message, StringComparison.Ordinal);
    }

    private static readonly CopyTableSchema EnumKeyed = new(
        "ek",
        [
            CopyColumnFactory.Create(0, new InformationSchemaColumn
            {
                Name = "e", DataType = "enum", ColumnType = "enum('zeta','alpha','Mid')", IsNullable = false, OctetLength = 20,
                CharsetName = "utf8mb4", CollationName = "utf8mb4_general_ci", CollationId = 45,
            }, isPrimaryKey: true),
            CopyColumnFactory.Create(1, new InformationSchemaColumn
            {
                Name = "s", DataType = "set", ColumnType = "set('x','y','z')", IsNullable = false, OctetLength = 20,
                CharsetName = "utf8mb4", CollationName = "utf8mb4_general_ci", CollationId = 45,
            }, isPrimaryKey: true),
        ],
        [0, 1],
        "PRIMARY");

    [Theory]
    [InlineData("zeta", "x", "(`e` > 1) OR (`e` = 1 AND `s` > 1)")]
    [InlineData("alpha", "x,z", "(`e` > 2) OR (`e` = 2 AND `s` > 5)")]
    [InlineData("mid", "", "(`e` > 3) OR (`e` = 3 AND `s` > 0)")]    // members match case-insensitively; '' is the empty set
    [InlineData("", "y", "(`e` > 0) OR (`e` = 0 AND `s` > 2)")]      // '' is ENUM's error value, index 0
    public void BuildCondition_EnumAndSetKey_ComparesByIndexAndBitmapAsMySqlOrdersThem(string e, string set, string expected)
    {
        Assert.Equal(expected, LastPk.BuildCondition(EnumKeyed, LastPkResult(["e", "s"], e, set)));
    }

    [Theory]
    [InlineData("omega", "x", "'omega' is not a member of e enum('zeta','alpha','Mid')")]
    [InlineData("zeta", "x,w", "'w' is not a member of s set('x','y','z')")]
    public void BuildCondition_UnknownEnumOrSetMember_InvalidArgument(string e, string set, string expected)
    {
        var error = Assert.Throws<VStreamException>(() => LastPk.BuildCondition(EnumKeyed, LastPkResult(["e", "s"], e, set)));

        Assert.Equal(Vtrpc.Code.InvalidArgument, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1020)]
    public void StringMetadata_RoundTripsThroughTheBinlogDecoder(int length)
    {
        var column = new ColumnInfo
        {
            Index = 0,
            Type = MySql.Binlog.ColumnType.String,
            WireType = MySql.Binlog.ColumnType.String,
            Metadata = (ushort)CopyColumnFactory.StringMetadata(length),
            IsNullable = true,
        };

        Assert.Equal(length, ColumnValueDecoder.GetStringMaxLength(column));
    }

    [Fact]
    public void ParseValueList_QuotedMembers()
    {
        Assert.Equal(["a", "b'c", "", "d,e"], CopyColumnFactory.ParseValueList("enum('a','b''c','','d,e')"));
    }

    private static Query.QueryResult LastPkResult(string[] names, params string[] values)
    {
        var result = new Query.QueryResult();
        foreach (var name in names)
            result.Fields.Add(new Query.Field { Name = name });
        var row = new Query.Row { Values = ByteString.CopyFromUtf8(string.Concat(values)) };
        foreach (var value in values)
            row.Lengths.Add(System.Text.Encoding.UTF8.GetByteCount(value));
        result.Rows.Add(row);
        return result;
    }
}
