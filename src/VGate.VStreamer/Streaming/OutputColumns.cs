using VGate.VStreamer.Filtering;
using VGate.VStreamer.Schema;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// The output columns of a table plan (<see cref="StreamTablePlan.Columns"/>, <see cref="CopyRowPlan.Columns"/>): a
/// table column index (≥ 0), or one of the codes below for the select expressions that are not table columns. Their
/// FIELD descriptions are the ones Vitess's vstreamer plan builder gives them (<c>planbuilder.go</c>, <c>analyzeExpr</c>).
/// </summary>
internal static class OutputColumns
{
    /// <summary><c>keyspace_id()</c>: the row's keyspace id from the table's primary vindex, as raw VARBINARY bytes.</summary>
    public const int KeyspaceId = -1;

    /// <summary>The literal <c>1</c>: the INT64 value <c>1</c> in every row.</summary>
    public const int LiteralOne = -2;

    /// <summary>The output code of each plan column: its table column index, or <see cref="KeyspaceId"/> / <see cref="LiteralOne"/>.</summary>
    public static int[] FromPlan(IReadOnlyList<PlanColumn> columns)
    {
        var codes = new int[columns.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = columns[i].Kind switch
            {
                PlanColumnKind.KeyspaceId => KeyspaceId,
                PlanColumnKind.LiteralOne => LiteralOne,
                _ => columns[i].ColumnIndex,
            };
        }

        return codes;
    }

    /// <summary>
    /// The FIELD of a synthetic column, as Vitess describes it: <c>keyspace_id</c> VARBINARY with the binary collation
    /// and BINARY_FLAG; <c>1</c> INT64 with the binary collation and NOT_NULL_FLAG | NUM_FLAG. Nothing else is set
    /// (no table, column length or column type: these are not table columns).
    /// </summary>
    public static Query.Field SyntheticField(int code) => code switch
    {
        KeyspaceId => new Query.Field
        {
            Name = "keyspace_id",
            Type = Query.Type.Varbinary,
            Charset = MySql.Binlog.Rows.MySqlCharsets.BinaryCollationId,
            Flags = (uint)MySqlFlags.Binary,
        },
        LiteralOne => new Query.Field
        {
            Name = "1",
            Type = Query.Type.Int64,
            Charset = MySql.Binlog.Rows.MySqlCharsets.BinaryCollationId,
            Flags = (uint)(MySqlFlags.NotNull | MySqlFlags.Num),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a synthetic output column"),
    };

    /// <summary>The text of the literal <c>1</c> in a row.</summary>
    public static ReadOnlySpan<byte> LiteralOneValue => "1"u8;
}
