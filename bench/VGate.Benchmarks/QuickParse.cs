using System.Diagnostics;
using System.Globalization;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- quick [repetitions] [narrow|mixed|path …]</c>: a short stopwatch run of the parse scenarios
/// of <see cref="BinlogParseBenchmarks"/>, on both workloads unless told otherwise, that prints the per-event figures of
/// the targets (row events/s, events/s, MB/s of binlog, bytes allocated per row event) and the bytes allocated per event type. Single thread, so "per core". Besides wall-clock
/// rates it prints the rate per CPU-second of the process (summed over all repetitions, so the 10 ms tick of the
/// OS accounting does not matter), which stays meaningful when other work competes for the cores.
/// </summary>
/// <remarks><c>quick [repetitions] [narrow|mixed|binlog path …]</c>; the MB/s column is at the median wall time, MB/CPU-s
/// at the process's CPU time.</remarks>
internal static class QuickParse
{
    public static void Run(string[] args)
    {
        var repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        var workloads = args.Length > 1 ? args[1..] : RecordedBinlog.Workloads;
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} logical CPUs, server GC {System.Runtime.GCSettings.IsServerGC}");
        foreach (var workload in workloads)
            Run(repetitions, workload);
    }

    private static void Run(int repetitions, string workload)
    {
        var binlog = RecordedBinlog.Load(workload);
        Console.WriteLine();
        Console.WriteLine($"{binlog.Workload}: {binlog.Path}: {binlog.Bytes.Length / 1e6:F1} MB, {binlog.Events.Length:N0} events");
        Console.WriteLine("scenario                                      | median row ev/s | best row ev/s | row ev/CPU-s | events/s   | MB/s  | MB/CPU-s | B alloc/row event | B alloc/event");
        IEventWalker[] walkers =
        [
            new ParseOnlyWalker(), new EventWalker(renderText: false), new EventWalker(renderText: true), new DecodeWalker(),
            StreamerWalker.AllColumns(), StreamerWalker.AllColumnsEncoded(), StreamerWalker.SelectWhere(binlog.Workload), StreamerWalker.KeyRange(binlog.Workload),
        ];
        foreach (var walker in walkers)
        {
            RunOnce(binlog, walker); // warm-up (tiered JIT)
            RunOnce(binlog, walker);
            var seconds = new List<double>();
            long allocated = 0;
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            for (var i = 0; i < repetitions; i++)
            {
                walker.Reset();
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                RunOnce(binlog, walker);
                watch.Stop();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                seconds.Add(watch.Elapsed.TotalSeconds);
            }

            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var inOrder = seconds.ToArray();
            seconds.Sort();
            var median = seconds[seconds.Count / 2];
            var best = seconds[0];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{walker.Name,-45} | {walker.RowsEvents / median,15:N0} | {walker.RowsEvents / best,13:N0} | {walker.RowsEvents * repetitions / cpuSeconds,12:N0} | " +
                $"{binlog.Events.Length / median,10:N0} | {binlog.Bytes.Length / 1e6 / median,5:F0} | {binlog.Bytes.Length / 1e6 * repetitions / cpuSeconds,8:F0} | " +
                $"{(double)allocated / walker.RowsEvents,17:F1} | {(double)allocated / binlog.Events.Length,13:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    ({walker.RowsEvents:N0} row events, {walker.Rows:N0} rows, {walker.Cells:N0} cells; CPU {cpuSeconds:F2} s over {seconds.Sum():F2} s wall; runs in order {string.Join(" ", inOrder.Select(s => (s * 1000).ToString("F0", CultureInfo.InvariantCulture)))} ms)"));
        }

        Console.WriteLine("bytes allocated per event, by type (parse + walk + WriteText, second pass):");
        var byType = new SortedDictionary<EventType, (long Count, long Bytes)>();
        for (var pass = 0; pass < 2; pass++)
        {
            byType.Clear();
            var parser = new BinlogEventParser();
            var walker = new EventWalker(renderText: true);
            for (var i = 0; i < binlog.Events.Length; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var binlogEvent = parser.Parse(binlog.Event(i));
                walker.Walk(binlogEvent);
                var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                byType[binlogEvent.Type] = byType.TryGetValue(binlogEvent.Type, out var sum) ? (sum.Count + 1, sum.Bytes + bytes) : (1, bytes);
            }
        }

        foreach (var (type, (count, bytes)) in byType)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {type,-28} {count,9:N0} events  {(double)bytes / count,8:F1} B/event"));
    }

    private static void RunOnce(RecordedBinlog binlog, IEventWalker walker)
    {
        var parser = new BinlogEventParser();
        for (var i = 0; i < binlog.Events.Length; i++)
            walker.Walk(parser.Parse(binlog.Event(i)));
    }
}
