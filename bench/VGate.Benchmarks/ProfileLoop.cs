using System.Diagnostics;
using System.Globalization;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- profile [seconds] [parse|walk|text|stream|select|keyrange] [binlog path]</c>: runs one parse scenario in a
/// loop for a fixed time, for a sampling profiler (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>) to attach
/// to. Prints the passes and the row events/s of the loop; it is not a measurement harness (use <c>quick</c> or
/// BenchmarkDotNet for that).
/// </summary>
internal static class ProfileLoop
{
    public static void Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        IEventWalker walker = (args.Length > 1 ? args[1] : "walk") switch
        {
            "walk" => new EventWalker(renderText: false),
            "text" => new EventWalker(renderText: true),
            "parse" => new ParseOnlyWalker(),
            "stream" => StreamerWalker.AllColumns(),
            "select" => StreamerWalker.SelectWhere(),
            "keyrange" => StreamerWalker.KeyRange(),
            var other => throw new ArgumentException($"Unknown scenario '{other}': use parse, walk, text, stream, select or keyrange."),
        };
        var binlog = RecordedBinlog.Load(args.Length > 2 ? args[2] : null);
        var watch = Stopwatch.StartNew();
        var passes = 0;
        long rowEvents = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            walker.Reset();
            var parser = new BinlogEventParser();
            for (var i = 0; i < binlog.Events.Length; i++)
                walker.Walk(parser.Parse(binlog.Event(i)));
            rowEvents += walker.RowsEvents;
            passes++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{walker.Name}: {passes} passes, {rowEvents / watch.Elapsed.TotalSeconds:N0} row events/s (checksum {walker.Checksum})"));
    }
}
