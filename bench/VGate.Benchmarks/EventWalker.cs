using System.Buffers;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;

namespace VGate.Benchmarks;

/// <summary>
/// What the parse benchmarks do with each event: parse it, and for ROWS events walk every row's cells with
/// <see cref="RowEnumerator"/>; optionally render every non-NULL cell to text with
/// <see cref="ColumnValueDecoder.WriteText"/> into one reused buffer (reset per row).
/// </summary>
internal sealed class EventWalker(bool renderText) : RowWalker
{
    private readonly ArrayBufferWriter<byte> _text = new(4096);

    public override string Name => renderText ? "parse + walk + WriteText" : "parse + walk cells";

    protected override long VisitImage(RowImage image, IReadOnlyList<ColumnInfo> columns)
    {
        long checksum = 0;
        foreach (ref readonly var cell in image.Cells)
        {
            checksum += cell.Length;
            if (renderText && !cell.IsNull)
                ColumnValueDecoder.WriteText(columns[cell.ColumnIndex], image.GetBytes(cell), _text);
        }

        if (renderText)
        {
            checksum += _text.WrittenCount;
            _text.ResetWrittenCount();
        }

        return checksum;
    }
}
