// Live-read harness for bench/live-read.sh: reads a server's binlog with BinlogClient (non-blocking dump, StopAtEnd)
// from the given file's start, walks every row's cells (optionally rendering them to text) and prints one result line.
//
//   VGate.LoadHarness <mysql://user:pw@127.0.0.1:port> <first binlog file> [--text]
//
// Copy mode for bench/copy-read.sh: runs one shard's VStream copy phase (ShardStreamer, position "") over every table
// of <database> until COPY_COMPLETED and prints rows/s of ROW events produced.
//
//   VGate.LoadHarness copy <mysql://user:pw@127.0.0.1:port> <database> [binary|text] [hash]
// (binary, the default: the copy reads with prepared statements; text: COM_QUERY only; hash: also prints an FNV-1a
// hash of every ROW event's encoding, to compare the two)
//
// The same copy through `vgate serve` (a child process) and a gRPC VStream client here (CopyMode.cs):
//
//   VGate.LoadHarness copy-gateway <mysql://user:pw@127.0.0.1:port> <database>
//
// Gateway mode for bench/e2e.sh: two mariadbd shards, `vgate serve` as a child process and gRPC clients here;
// throughput, commit→client latency, and 1 vs 100 subscribers (see Gateway/GatewayMode.cs).
//
//   VGate.LoadHarness gateway throughput|latency|subscribers|all [scenario options]
//
// Kafka mode for bench/kafka-sink.sh: gateway → Kafka (mock cluster) with exactly-once on; drains the rows loaded after
// <start-gtid>, then measures commit latency under a paced live load (KafkaMode.cs).
//
//   VGate.LoadHarness kafka <mysql://user:pw@127.0.0.1:port> <database> <start-gtid> [live-rows-per-s]
//
// Mixed-load mode for bench/live-read.sh … mixed and bench/record-binlog.sh mixed: writes the benchmarks' mixed workload
// (MixedLoadMode.cs) into an existing database.
//
//   VGate.LoadHarness mixed-load <mysql://user:pw@127.0.0.1:port> <database> <row changes> [seed]
//
// Mock Kafka mode for bench/large-transaction.sh: a librdkafka mock cluster in its own process until stdin closes.
//
//   VGate.LoadHarness mock-kafka [topic…]
using System.Diagnostics;
using System.Globalization;
using VGate.Benchmarks;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;

if (args.Length >= 1 && args[0] == "gateway")
    return await GatewayMode.RunAsync(args[1..]);

if (args.Length >= 1 && args[0] == "mock-kafka")
    return await MockKafkaMode.RunAsync(args[1..]);

if (args.Length is 4 or 5 && args[0] == "mixed-load")
{
    var seed = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : MixedLoadMode.DefaultSeed;
    return await MixedLoadMode.RunAsync(args[1], args[2], long.Parse(args[3], CultureInfo.InvariantCulture), seed);
}

if (args.Length is >= 3 and <= 5 && args[0] == "copy" && args.Skip(3).All(a => a is "binary" or "text" or "hash"))
    return await CopyMode.RunAsync(args[1], args[2], binary: !args.Contains("text"), hash: args.Contains("hash"));

if (args.Length == 3 && args[0] == "copy-gateway")
    return await CopyGatewayMode.RunAsync(args[1], args[2]);

if (args.Length is 4 or 5 && args[0] == "kafka")
    return await KafkaMode.RunAsync(args[1], args[2], args[3], args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2000);

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: VGate.LoadHarness <mysql://user:pw@127.0.0.1:port> <first binlog file> [--text]");
    return 2;
}

var options = new BinlogClientOptions
{
    Connection = MySqlConnectionOptions.Parse(args[0]),
    Start = BinlogStartPosition.FromFile(new BinlogFilePosition(args[1], 4)),
    StopAtEnd = true,
};
var walker = new EventWalker(renderText: args.Contains("--text"));
long events = 0, bytes = 0;
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
var total = Stopwatch.StartNew();
TimeSpan firstEvent = default;
await using (var client = new BinlogClient(options))
{
    await foreach (var binlogEvent in client.ReadEventsAsync(timeout.Token))
    {
        if (events++ == 0)
            firstEvent = total.Elapsed;
        bytes += binlogEvent.Header.EventLength;
        walker.Walk(binlogEvent);
    }
}

total.Stop();
var seconds = total.Elapsed.TotalSeconds;
var streaming = (total.Elapsed - firstEvent).TotalSeconds;
using var process = Process.GetCurrentProcess();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT seconds={seconds:F3} streaming_seconds={streaming:F3} events={events} row_events={walker.RowsEvents} rows={walker.Rows} cells={walker.Cells} " +
    $"bytes={bytes} events_per_s={events / seconds:F0} row_events_per_s={walker.RowsEvents / seconds:F0} rows_per_s={walker.Rows / seconds:F0} " +
    $"mb_per_s={bytes / 1e6 / seconds:F1} peak_ws_mb={process.PeakWorkingSet64 / 1e6:F1} gc_alloc_mb={GC.GetTotalAllocatedBytes(precise: true) / 1e6:F1} " +
    $"gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} checksum={walker.Checksum}"));
return 0;
