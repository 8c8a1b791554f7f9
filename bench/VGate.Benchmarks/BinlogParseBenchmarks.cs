using BenchmarkDotNet.Attributes;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// Parses every event of a recorded binlog (<see cref="RecordedBinlog"/>, in memory) with a fresh
/// <see cref="BinlogEventParser"/> — CRC32 verified, TABLE_MAPs cached — and then, per scenario, does nothing more
/// (the baseline), walks every row's cells, renders every cell with <c>ColumnValueDecoder.WriteText</c>, decodes every
/// row into Vitess values, or runs the per-shard streamer (<see cref="StreamerWalker"/>) with three filters. Every
/// scenario runs on both workloads (<see cref="Workload"/>: the narrow t10 binlog and the mixed one). One operation is
/// the whole file; the MB/s, events/s and row events/s columns (<see cref="ThroughputColumn"/>) divide the file by the
/// mean. The Ratio column against the baseline gives the cost of each layer on top of the parse.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputColumn.Config))]
public class BinlogParseBenchmarks
{
    private RecordedBinlog _binlog = null!;
    private readonly ParseOnlyWalker _parse = new();
    private readonly EventWalker _walk = new(renderText: false);
    private readonly EventWalker _text = new(renderText: true);
    private readonly DecodeWalker _decode = new();
    private readonly StreamerWalker _streamAll = StreamerWalker.AllColumns();
    private readonly StreamerWalker _streamAllEncoded = StreamerWalker.AllColumnsEncoded();
    private StreamerWalker _streamSelect = null!;
    private StreamerWalker _streamKeyRange = null!;

    /// <summary><c>narrow</c> (bench/data/t10-single.binlog) or <c>mixed</c> (bench/data/mixed.binlog).</summary>
    [Params(RecordedBinlog.Narrow, RecordedBinlog.Mixed)]
    public string Workload { get; set; } = RecordedBinlog.Narrow;

    [GlobalSetup]
    public void Setup()
    {
        _binlog = RecordedBinlog.Load(Workload);
        _streamSelect = StreamerWalker.SelectWhere(Workload);
        _streamKeyRange = StreamerWalker.KeyRange(Workload);
        _walk.Reset();
        Run(_walk);
        Console.WriteLine($"// {Workload}: {_binlog.Path}: {_binlog.Bytes.Length:N0} bytes, {_binlog.Events.Length:N0} events, " +
            $"{_walk.RowsEvents:N0} row events, {_walk.Rows:N0} rows, {_walk.Cells:N0} cells");
        Console.WriteLine($"// select where: {_streamSelect.Name}; keyrange: {_streamKeyRange.Name}");
    }

    [Benchmark(Baseline = true, Description = "parse only")]
    public long ParseOnly() => Run(_parse);

    [Benchmark(Description = "parse + walk cells")]
    public long ParseAndWalk() => Run(_walk);

    [Benchmark(Description = "parse + walk + WriteText")]
    public long ParseWalkAndText() => Run(_text);

    [Benchmark(Description = "parse + decode values")]
    public long ParseAndDecode() => Run(_decode);

    [Benchmark(Description = "parse + stream + encode: all columns")]
    public long ParseStreamAndEncodeAll() => Run(_streamAllEncoded);

    [Benchmark(Description = "parse + stream: all columns")]
    public long ParseAndStreamAll() => Run(_streamAll);

    [Benchmark(Description = "parse + stream: select where")]
    public long ParseAndStreamSelect() => Run(_streamSelect);

    [Benchmark(Description = "parse + stream: keyrange -80")]
    public long ParseAndStreamKeyRange() => Run(_streamKeyRange);

    private long Run(IEventWalker walker)
    {
        walker.Reset();
        var parser = new BinlogEventParser();
        var count = _binlog.Events.Length;
        for (var i = 0; i < count; i++)
            walker.Walk(parser.Parse(_binlog.Event(i)));
        return walker.Checksum;
    }
}
