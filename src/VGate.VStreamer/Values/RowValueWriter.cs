using System.Buffers.Binary;
using System.Globalization;
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
    /// <see cref="OutputColumns"/> codes) from <paramref name="image"/> to <paramref name="output"/>: the values back to
    /// back, and one length per output column, −1 for NULL.
    /// </summary>
    /// <param name="table">The table's columns (TABLE_MAP).</param>
    /// <param name="image">The row image.</param>
    /// <param name="columns">The output columns.</param>
    /// <param name="keyspaceId">The row's keyspace id, written raw for a <see cref="OutputColumns.KeyspaceId"/> column.</param>
    /// <param name="output">Receives the values and their lengths.</param>
    /// <returns>True when any written value is a partial-JSON expression.</returns>
    public static bool Write(IReadOnlyList<ColumnInfo> table, RowImage image, ReadOnlySpan<int> columns, byte[]? keyspaceId,
        RowImageBuffer output)
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
                output.Write(synthetic);
                output.AddLength(synthetic.Length);
                continue;
            }

            RowCell cell;
            if (direct)
            {
                cell = cells[columnIndex];
            }
            else if (!image.TryGetCell(columnIndex, out cell))
            {
                output.AddLength(-1);
                continue;
            }
            if (cell.IsNull)
            {
                output.AddLength(-1);
                continue;
            }
            var before = output.RowLength;
            WriteValue(table[columnIndex], image.GetBytes(cell), cell.IsPartialJson, output);
            partial |= cell.IsPartialJson;
            output.AddLength(output.RowLength - before);
        }
        return partial;
    }

    /// <summary>Writes one non-NULL value.</summary>
    private static void WriteValue(ColumnInfo column, ReadOnlySpan<byte> cell, bool partialJson, RowImageBuffer output)
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
            // The common fixed-size and string types are written here, straight into the slab (ColumnValueDecoder
            // reaches the slab through IBufferWriter calls). A cell of the wrong size goes to WriteText, which
            // rejects it.
            case ColumnType.Tiny when cell.Length == 1:
                WriteInteger(column.IsUnsigned ? cell[0] : (sbyte)cell[0], output);
                return;
            case ColumnType.Short when cell.Length == 2:
                WriteInteger(column.IsUnsigned ? BinaryPrimitives.ReadUInt16LittleEndian(cell) : BinaryPrimitives.ReadInt16LittleEndian(cell), output);
                return;
            case ColumnType.Int24 when cell.Length == 3:
                {
                    var value = cell[0] | (cell[1] << 8) | (cell[2] << 16);
                    WriteInteger(column.IsUnsigned ? value : (value << 8) >> 8, output);
                    return;
                }
            case ColumnType.Long when cell.Length == 4:
                WriteInteger(column.IsUnsigned ? BinaryPrimitives.ReadUInt32LittleEndian(cell) : BinaryPrimitives.ReadInt32LittleEndian(cell), output);
                return;
            case ColumnType.LongLong when cell.Length == 8:
                if (column.IsUnsigned)
                {
                    var span = output.GetSpan(20);
                    BinaryPrimitives.ReadUInt64LittleEndian(cell).TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
                    output.Advance(written);
                }
                else
                {
                    WriteInteger(BinaryPrimitives.ReadInt64LittleEndian(cell), output);
                }
                return;
            case ColumnType.VarChar or ColumnType.VarString or ColumnType.TinyBlob or ColumnType.Blob or ColumnType.MediumBlob or ColumnType.LongBlob:
                WriteBytes(ColumnValueDecoder.GetPayload(column, cell), output);
                return;
            case ColumnType.String when column.CollationId != MySqlCharsets.BinaryCollationId:
                // CHAR: the stored bytes (only BINARY(n), collation 63, is padded back to its length).
                WriteBytes(ColumnValueDecoder.GetPayload(column, cell), output);
                return;
            case ColumnType.Json when partialJson:
                JsonDiffDecoder.WriteVitessExpression(ColumnValueDecoder.GetPayload(column, cell), output);
                return;
            default:
                ColumnValueDecoder.WriteText(column, cell, output);
                return;
        }
    }

    private static void WriteInteger(long value, RowImageBuffer output)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void WriteBytes(ReadOnlySpan<byte> bytes, RowImageBuffer output)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
