using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf.Collections;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Streaming;

namespace VGate.VStreamer.Values;

/// <summary>
/// Writes the cells of one row image in Vitess's <c>query.Row</c> layout: each value's text concatenated into one
/// buffer, and one length per value (−1 for NULL). Values use the binlog-phase text encoding of vstream-spec §2.9:
/// MySQL text for most types, Go's exponent form for FLOAT/DOUBLE, ENUM/SET as strings, TIMESTAMP in UTC, BINARY
/// padded to its length, JSON as text, and for a partial JSON update the <c>JSON_…(%s, …)</c> expression.
/// </summary>
internal static class RowValueWriter
{
    /// <summary>
    /// Appends the values of <paramref name="columns"/> (output columns in order: table column indexes, or the
    /// <see cref="OutputColumns"/> codes) from <paramref name="image"/> to <paramref name="values"/> and
    /// <paramref name="lengths"/>.
    /// </summary>
    /// <param name="table">The table's columns (TABLE_MAP).</param>
    /// <param name="image">The row image.</param>
    /// <param name="columns">The output columns.</param>
    /// <param name="keyspaceId">The row's keyspace id, written raw for a <see cref="OutputColumns.KeyspaceId"/> column.</param>
    /// <param name="values">Receives the values, back to back.</param>
    /// <param name="lengths">Receives one length per output column, −1 for NULL.</param>
    /// <returns>True when any written value is a partial-JSON expression.</returns>
    public static bool Write(IReadOnlyList<ColumnInfo> table, RowImage image, ReadOnlySpan<int> columns, byte[]? keyspaceId,
        ValueSlab values, RepeatedField<long> lengths)
    {
        var partial = false;
        var cells = image.Cells;
        var direct = cells.Length == table.Count;
        foreach (var columnIndex in columns)
        {
            if (columnIndex < 0)
            {
                var synthetic = columnIndex == OutputColumns.KeyspaceId
                    ? keyspaceId ?? throw new InvalidOperationException("keyspace_id() column without a keyspace id")
                    : OutputColumns.LiteralOneValue;
                values.Write(synthetic);
                lengths.Add(synthetic.Length);
                continue;
            }

            RowCell cell;
            if (direct)
            {
                cell = cells[columnIndex];
            }
            else if (!image.TryGetCell(columnIndex, out cell))
            {
                lengths.Add(-1);
                continue;
            }
            if (cell.IsNull)
            {
                lengths.Add(-1);
                continue;
            }
            var before = values.RowLength;
            WriteValue(table[columnIndex], image.GetBytes(cell), cell.IsPartialJson, values);
            partial |= cell.IsPartialJson;
            lengths.Add(values.RowLength - before);
        }
        return partial;
    }

    /// <summary>Writes one non-NULL value.</summary>
    private static void WriteValue(ColumnInfo column, ReadOnlySpan<byte> cell, bool partialJson, ValueSlab output)
    {
        switch (column.Type)
        {
            case ColumnType.Float:
                {
                    var span = output.GetSpan(VitessFloatFormatter.MaxLength);
                    var length = VitessFloatFormatter.FormatSingle(BinaryPrimitives.ReadSingleLittleEndian(cell), span);
                    output.Advance(length);
                    return;
                }
            case ColumnType.Double:
                {
                    var span = output.GetSpan(VitessFloatFormatter.MaxLength);
                    var length = VitessFloatFormatter.FormatDouble(BinaryPrimitives.ReadDoubleLittleEndian(cell), span);
                    output.Advance(length);
                    return;
                }
            case ColumnType.Json when partialJson:
                JsonDiffDecoder.WriteVitessExpression(ColumnValueDecoder.GetPayload(column, cell), output);
                return;
            default:
                ColumnValueDecoder.WriteText(column, cell, output);
                return;
        }
    }
}
