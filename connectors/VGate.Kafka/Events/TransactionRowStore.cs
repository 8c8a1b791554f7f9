using Binlogdata;
using Google.Protobuf;

namespace VGate.Kafka.Events;

/// <summary>
/// The ROW events of the open transaction, in order, kept by <see cref="DebeziumEventBuilder"/> until the COMMIT (every
/// record carries the VGTID after the transaction, which arrives just before the COMMIT). Up to a memory limit they stay
/// as objects; past it they go, serialized, to a temporary file that is read back in order while the transaction's records
/// are rendered, so a transaction of any size holds at most the limit (plus one event) in memory.
/// </summary>
/// <remarks>
/// Rows are read back strictly in order (<see cref="Get"/> with the same or the next index), which is how rendering walks
/// them. The file is created on the first spill, emptied (its disk space given back) when the transaction ends, and deleted
/// when the store is disposed or the process ends.
/// </remarks>
internal sealed class TransactionRowStore(long memoryLimit, string? directory) : IDisposable
{
    private readonly List<StoredRow> _memory = [];
    private readonly List<TableSchema> _tables = [];
    private readonly Dictionary<TableSchema, int> _tableIds = new(ReferenceEqualityComparer.Instance);
    private long _memoryBytes;
    private FileStream? _file;
    private int _spilled;
    private int _readIndex = -1;
    private StoredRow _current;
    private byte[] _readBuffer = [];

    /// <summary>How many row events the transaction has so far.</summary>
    public int Count => _memory.Count + _spilled;

    /// <summary>How many row changes they hold.</summary>
    public long Changes { get; private set; }

    /// <summary>The first row event (<see cref="Count"/> must be positive); always kept in memory.</summary>
    public StoredRow First => _memory[0];

    /// <summary>Serialized bytes written to the spill file for the current transaction.</summary>
    public long SpilledBytes { get; private set; }

    public void Add(TableSchema table, RowEvent row, bool copy)
    {
        Changes += row.RowChanges.Count;
        var size = row.CalculateSize();
        if (_spilled == 0 && (_memory.Count == 0 || _memoryBytes + size <= memoryLimit))
        {
            _memory.Add(new StoredRow(table, row, copy));
            _memoryBytes += size;
            return;
        }
        Spill(table, row, copy, size);
    }

    /// <summary>The row event at <paramref name="index"/>: any kept in memory, or the spilled ones in order.</summary>
    public StoredRow Get(int index)
    {
        if (index < _memory.Count)
            return _memory[index];
        if (index == _readIndex)
            return _current;
        if (index != (_readIndex < _memory.Count ? _memory.Count : _readIndex + 1))
            throw new InvalidOperationException($"spilled rows are read in order: row {index} asked after row {_readIndex}");
        var file = _file!;
        if (_readIndex < _memory.Count)
        {
            file.Flush();
            file.Position = 0;
        }
        Span<byte> header = stackalloc byte[9];
        file.ReadExactly(header);
        var tableId = BitConverter.ToInt32(header);
        var copy = header[4] != 0;
        var length = BitConverter.ToInt32(header[5..]);
        if (_readBuffer.Length < length)
            _readBuffer = new byte[Math.Max(length, Math.Min(_readBuffer.Length * 2, Array.MaxLength))];
        file.ReadExactly(_readBuffer, 0, length);
        _current = new StoredRow(_tables[tableId], RowEvent.Parser.ParseFrom(_readBuffer, 0, length), copy);
        _readIndex = index;
        return _current;
    }

    /// <summary>Forgets the transaction's rows (and empties the spill file).</summary>
    public void Clear()
    {
        _memory.Clear();
        _memoryBytes = 0;
        _tables.Clear();
        _tableIds.Clear();
        Changes = 0;
        _current = default;
        _readIndex = -1;
        if (_spilled > 0)
        {
            _spilled = 0;
            SpilledBytes = 0;
            _file!.SetLength(0);
            _file.Position = 0;
            if (_readBuffer.Length > 1024 * 1024)
                _readBuffer = [];
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void Spill(TableSchema table, RowEvent row, bool copy, int size)
    {
        _file ??= new FileStream(
            Path.Combine(directory ?? Path.GetTempPath(), $"vgate-kafka-transaction-{Guid.NewGuid():N}.spill"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1024 * 1024, FileOptions.DeleteOnClose);
        if (!_tableIds.TryGetValue(table, out var tableId))
        {
            tableId = _tables.Count;
            _tables.Add(table);
            _tableIds[table] = tableId;
        }
        Span<byte> header = stackalloc byte[9];
        BitConverter.TryWriteBytes(header, tableId);
        header[4] = copy ? (byte)1 : (byte)0;
        BitConverter.TryWriteBytes(header[5..], size);
        _file.Write(header);
        using (var output = new CodedOutputStream(_file, leaveOpen: true))
        {
            row.WriteTo(output);
            output.Flush();
        }
        _spilled++;
        SpilledBytes += size + header.Length;
    }

    /// <summary>A row event with the schema it was validated against and whether it is a copy-phase row.</summary>
    internal readonly record struct StoredRow(TableSchema Table, RowEvent Event, bool Copy);
}
