using System.Buffers;
using VGate.Kafka.Events;
using VGate.MySql;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Replication;

namespace VGate.Cli.Output;

/// <summary>
/// A run of consecutive events of <c>vgate binlog</c>, handed from the thread that reads the stream to one that writes
/// their JSON lines (<see cref="Render"/>), so reading and formatting use two cores. The events are made independent of
/// the stream's receive buffer when added (row events copied into this batch's own buffer, an ANNOTATE_ROWS text
/// decoded); a batch is reused once its lines have been written.
/// </summary>
internal sealed class EventBatch : IDisposable
{
    /// <summary>
    /// Row bytes a batch holds at most (one larger event gets a batch of its own); a batch is handed over once its row
    /// bytes and statement texts reach half of it. The lines are about 1.3 times as long as what they show.
    /// </summary>
    public const int RowBytes = 256 * 1024;

    /// <summary>Events collected at most before a batch is handed over (when they carry few row bytes).</summary>
    public const int MaxEvents = 4096;

    // Long-lived: on the pinned object heap, so the large-object heap between them does not fragment.
    private readonly byte[] _rowBuffer = GC.AllocateUninitializedArray<byte>(RowBytes, pinned: true);
    private byte[]? _largeBuffer; // for one event larger than _rowBuffer (then the batch's only event); kept up to LargeBytes
    private bool _hasLargeEvent;
    private int _used;
    private long _textLength; // characters of statement texts (ANNOTATE_ROWS, QUERY): as long as the rows they insert
    private readonly List<Item> _items = [];
    private ArrayBufferWriter<byte> _output = new(RowBytes * 2);
    private EventJsonWriter _writer;

    public EventBatch() => _writer = new EventJsonWriter(_output);

    public int Count => _items.Count;

    /// <summary>True when the batch should be handed over before another event is added.</summary>
    public bool IsFull => _used + _textLength >= RowBytes / 2 || _items.Count >= MaxEvents || _hasLargeEvent;

    /// <summary>The largest buffer for one large event a batch keeps for its next use.</summary>
    private const int LargeBytes = 4 * 1024 * 1024;

    private Memory<byte> LargeBuffer(int length)
    {
        if (_largeBuffer is null || _largeBuffer.Length < length)
            _largeBuffer = length <= LargeBytes ? GC.AllocateUninitializedArray<byte>(Math.Max(length, 2 * RowBytes), pinned: true) : new byte[length];
        _hasLargeEvent = true;
        return _largeBuffer.AsMemory(0, length);
    }

    /// <summary>Set by the reader when it hands the batch over: the rendering of its lines.</summary>
    public Task? Rendering { get; set; }

    /// <summary>The lines, after <see cref="Render"/>: the complete ones are <c>[..Complete]</c>.</summary>
    public ReadOnlyMemory<byte> Lines => _output.WrittenMemory[..Complete];

    /// <summary>Where the last complete line ends in <see cref="Lines"/>.</summary>
    public int Complete { get; private set; }

    /// <summary>
    /// Set by <see cref="Render"/> when an event could not be written: a value that has no JSON form
    /// (<see cref="ValueRenderException"/>) or row data that cannot be walked (<see cref="BinlogFormatException"/>); the
    /// lines before it are complete.
    /// </summary>
    public Exception? Error { get; private set; }

    /// <summary>
    /// Adds the event <paramref name="client"/> yielded last; returns false, adding nothing, when its row bytes do not fit
    /// in what is left (the caller hands this batch over and adds it to an empty one, which always takes it).
    /// </summary>
    public bool TryAdd(BinlogEvent binlogEvent, BinlogClient client)
    {
        Memory<byte>? statement = null;
        switch (binlogEvent)
        {
            case RowsEvent rows:
                var length = rows.CopyLength;
                if (_used + length <= _rowBuffer.Length)
                {
                    binlogEvent = rows.CopyTo(_rowBuffer.AsMemory(_used, length));
                    _used += length;
                }
                else if (_items.Count == 0)
                {
                    binlogEvent = rows.CopyTo(LargeBuffer(length));
                }
                else
                {
                    return false;
                }
                break;
            case MariaDbAnnotateRowsEvent annotate:
                // The text is only readable until the stream moves on: valid UTF-8 is copied (and later escaped as it
                // is), anything else decoded now.
                var text = annotate.QueryBytes;
                if (text.Length <= JsonTextEscaper.MaxLength && System.Text.Unicode.Utf8.IsValid(text.Span))
                {
                    if (_used + text.Length <= _rowBuffer.Length)
                    {
                        statement = _rowBuffer.AsMemory(_used, text.Length);
                        _used += text.Length;
                    }
                    else if (_items.Count == 0)
                    {
                        statement = LargeBuffer(text.Length);
                    }
                    else
                    {
                        return false;
                    }
                    text.CopyTo(statement.Value);
                }
                else
                {
                    _textLength += annotate.Query.Length;
                }
                break;
            case QueryEvent query:
                _textLength += query.Query.Length;
                break;
            case RowsQueryEvent rowsQuery:
                _textLength += rowsQuery.Query.Length;
                break;
        }
        _items.Add(new Item(binlogEvent, client.CurrentFileName, EventJsonWriter.ResumePosition(client), statement));
        return true;
    }

    /// <summary>
    /// Writes one JSON line per event. An event that cannot be written ends the batch there (<see cref="Error"/>); the
    /// lines before it are complete.
    /// </summary>
    public void Render()
    {
        _output.ResetWrittenCount();
        Complete = 0;
        Error = null;
        try
        {
            foreach (var item in _items)
            {
                _writer.Write(item.Event, item.File, item.ResumePosition, item.Statement);
                _output.Write("\n"u8);
                Complete = _output.WrittenCount;
            }
        }
        catch (Exception ex) when (ex is ValueRenderException or BinlogFormatException)
        {
            Error = ex;
        }
    }

    /// <summary>Empties the batch for reuse (after its lines have been written).</summary>
    public void Clear()
    {
        _items.Clear();
        _used = 0;
        _textLength = 0;
        _hasLargeEvent = false;
        if (_largeBuffer is { Length: > LargeBytes })
            _largeBuffer = null;
        Rendering = null;
        Complete = 0;
        Error = null;
        _output.ResetWrittenCount();
        // A batch that once held a very long line (a large event) does not keep that much memory.
        if (_output.Capacity > 8 * RowBytes)
        {
            _writer.Dispose();
            _output = new ArrayBufferWriter<byte>(RowBytes * 2);
            _writer = new EventJsonWriter(_output);
        }
    }

    public void Dispose() => _writer.Dispose();

    private readonly record struct Item(BinlogEvent Event, string File, string? ResumePosition, ReadOnlyMemory<byte>? Statement);
}
