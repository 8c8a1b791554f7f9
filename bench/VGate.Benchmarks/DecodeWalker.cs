using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Values;

namespace VGate.Benchmarks;

/// <summary>
/// The parse a streamer sits on, values included: every row image of every ROWS event decoded into Vitess's text
/// values (spec §2.9) by <see cref="RowValueWriter"/> — the fastest decoder VGate has, the one the streamer itself uses —
/// into one reused buffer, with nothing built around them. A binlog parser has not parsed a row until it has its values
/// (Vitess's hands out text-encoded <c>sqltypes.Value</c>s), so this is the baseline of issue 4's "the streamer costs at
/// most half of the binlog parse time it sits on": what <see cref="StreamerWalker"/> costs beyond it is the streamer.
/// </summary>
internal sealed class DecodeWalker : RowWalker
{
    private readonly RowImageBuffer _values = new();
    private int[] _allColumns = [];

    public override string Name => "parse + decode values";

    protected override long VisitImage(RowImage image, IReadOnlyList<ColumnInfo> columns)
    {
        if (_allColumns.Length != columns.Count)
            _allColumns = Enumerable.Range(0, columns.Count).ToArray();
        _values.Clear(); // the previous row's bytes are written over
        RowValueWriter.Write(columns, image, _allColumns, keyspaceId: null, _values);
        return _values.RowLength;
    }
}
