using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Tests.Binlog.Rows;

public sealed class JsonDiffDecoderTests
{
    /// <summary>
    /// The JSON column of the after-images of the 11 PARTIAL_UPDATE_ROWS events of Vitess
    /// go/mysql/binlog_event_mysql56_test.go TestMySQL56PartialUpdateRowsEvent (MySQL 8.0.40, planetscale/vitess
    /// 1d670644a34362206e3a63e67224db4fbe55ae2b, Apache-2.0; ../shared/fixtures/mysql/vectors/partial_update_rows_mysql8040.json),
    /// extracted offline by walking each event body (table customer(bigint, varbinary(128), json)): name, whether the
    /// row's partial-JSON bit is set, the bytes after the column's 4-byte length prefix (distinct values per event),
    /// and Vitess's expected rendering. When the bit is clear the cell is a whole binary JSON value.
    /// </summary>
    public static TheoryData<string, bool, string, string> Events => new()
    {
        { "INSERT", true, "0106242e726f6c65090c076d616e61676572", "JSON_INSERT(%s, _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'manager') as JSON))" },
        { "REPLACE", true, "0006242e726f6c65040c024943", "JSON_REPLACE(%s, _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'IC') as JSON))" },
        { "REMOVE", true, "0208242e73616c617279", "JSON_REMOVE(%s, _utf8mb4'$.salary')" },
        { "REMOVE and REPLACE", true, "0005242e646179080c066d6f6e6461790210242e6661766f726974655f636f6c6f72", "JSON_REMOVE(JSON_REPLACE(%s, _utf8mb4'$.day', CAST(JSON_QUOTE(_utf8mb4'monday') as JSON)), _utf8mb4'$.favorite_color')" },
        { "INSERT and REMOVE and REPLACE", true, "0005242e646179090c07747565736461790210242e6661766f726974655f636f6c6f720107242e686f626279080c06736b69696e67", "JSON_INSERT(JSON_REMOVE(JSON_REPLACE(%s, _utf8mb4'$.day', CAST(JSON_QUOTE(_utf8mb4'tuesday') as JSON)), _utf8mb4'$.favorite_color'), _utf8mb4'$.hobby', CAST(JSON_QUOTE(_utf8mb4'skiing') as JSON))" },
        { "REPLACE with null", true, "0008242e73616c617279020400", "JSON_REPLACE(%s, _utf8mb4'$.salary', CAST(_utf8mb4'null' as JSON))" },
        { "REPLACE 2 paths", true, "0008242e73616c61727903056e000006242e726f6c65040c024943", "JSON_REPLACE(JSON_REPLACE(%s, _utf8mb4'$.salary', CAST(110 as JSON)), _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'IC') as JSON))" },
        { "JSON null", false, "0400", "null" },
        { "null literal string", false, "0c046e756c6c", "\"null\"" },
        { "JSON object", true, "0106242e6d6973633c0c3a7b2261646472657373223a22313031322053205061726b222c2022746f776e223a2248617374696e6773222c20227374617465223a224d49227d", "JSON_INSERT(%s, _utf8mb4'$.misc', CAST(JSON_QUOTE(_utf8mb4'{\"address\":\"1012 S Park\", \"town\":\"Hastings\", \"state\":\"MI\"}') as JSON))" },
        { "JSON field not updated", true, "", "" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Render_PartialUpdateRowsAfterImage_MatchesVitess(string name, bool partial, string hex, string expected)
    {
        Assert.NotEmpty(name);
        var bytes = Convert.FromHexString(hex);
        var actual = partial ? JsonDiffDecoder.ToVitessExpression(bytes) : JsonBinaryDecoder.ToJson(bytes);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Decode_InsertRemoveReplace_ReturnsDiffs()
    {
        var diffs = JsonDiffDecoder.Decode(Convert.FromHexString(
            "0005242e646179090c07747565736461790210242e6661766f726974655f636f6c6f720107242e686f626279080c06736b69696e67"));
        Assert.Equal(
            [
                new JsonDiff(JsonDiffOperation.Replace, "$.day", "\"tuesday\""),
                new JsonDiff(JsonDiffOperation.Remove, "$.favorite_color", null),
                new JsonDiff(JsonDiffOperation.Insert, "$.hobby", "\"skiing\""),
            ],
            diffs);
    }

    [Fact]
    public void ToVitessExpression_ColumnName_ReplacesPlaceholder() =>
        Assert.Equal("JSON_REMOVE(`jd`, _utf8mb4'$.salary')",
            JsonDiffDecoder.ToVitessExpression(Convert.FromHexString("0208242e73616c617279"), "`jd`"));

    [Theory]
    [InlineData("03")] // unknown operation
    [InlineData("00")] // path length missing
    [InlineData("0008242e73616c61")] // path cut
    [InlineData("0008242e73616c617279")] // REPLACE without a value
    [InlineData("0008242e73616c61727905056e00")] // value length 5, 3 present
    [InlineData("0000020400")] // empty path
    [InlineData("0008242e73616c617279020d00")] // value is not valid binary JSON
    public void ToVitessExpression_Garbage_ThrowsBinlogFormatException(string hex) =>
        Assert.Throws<BinlogFormatException>(() => JsonDiffDecoder.ToVitessExpression(Convert.FromHexString(hex)));
}
