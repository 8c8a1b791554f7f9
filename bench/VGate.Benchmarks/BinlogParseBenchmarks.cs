using BenchmarkDotNet.Attributes;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// Parses every event of the recorded binlog (<see cref="RecordedBinlog"/>, in memory) with a fresh
/// <see cref="BinlogEventParser"/> — CRC32 verified, TABLE_MAPs cached — and walks every row's cells; the
/// <c>Text</c> variant also renders every cell with <c>ColumnValueDecoder.WriteText</c>. One operation is the whole
/// file; divide by the row-event count printed at setup (or run <c>quick</c>, which prints per-event figures).
/// </summary>
[MemoryDiagnoser]
public class BinlogParseBenchmarks
{
    private RecordedBinlog _binlog = null!;
    private readonly EventWalker _walk = new(renderText: false);
    private readonly EventWalker _text = new(renderText: true);
    private readonly VEventEncodingWalker _vevents = new();

    [GlobalSetup]
    public void Setup()
    {
        _binlog = RecordedBinlog.Load();
        _walk.Reset();
        Run(_walk);
        Console.WriteLine($"// {_binlog.Path}: {_binlog.Bytes.Length:N0} bytes, {_binlog.Events.Length:N0} events, " +
            $"{_walk.RowsEvents:N0} row events, {_walk.Rows:N0} rows, {_walk.Cells:N0} cells");
    }

    [Benchmark(Baseline = true, Description = "parse + walk cells")]
    public long ParseAndWalk() => Run(_walk);

    [Benchmark(Description = "parse + walk + WriteText")]
    public long ParseWalkAndText() => Run(_text);

    [Benchmark(Description = "parse + encode ROW VEvents")]
    public long ParseAndEncodeVEvents() => Run(_vevents);

    private long Run(IEventWalker walker)
    {
        var parser = new BinlogEventParser();
        var count = _binlog.Events.Length;
        for (var i = 0; i < count; i++)
            walker.Walk(parser.Parse(_binlog.Event(i)));
        return walker.Checksum;
    }
}
