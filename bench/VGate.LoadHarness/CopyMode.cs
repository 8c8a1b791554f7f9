using System.Diagnostics;
using System.Globalization;
using Binlogdata;
using VGate.MySql.Protocol;
using VGate.VStreamer;

/// <summary>Times the copy phase of one shard: every table of the database, ROW events counted until COPY_COMPLETED.</summary>
internal static class CopyMode
{
    public static async Task<int> RunAsync(string uri, string database, bool binary, bool hash)
    {
        var streamer = new ShardStreamer(new ShardStreamerOptions
        {
            Keyspace = database,
            Shard = "0",
            Source = MySqlConnectionOptions.Parse(uri),
            Database = database,
            Position = "",
            CopyBinaryProtocol = binary,
        });
        long rows = 0, bytes = 0, batches = 0;
        var fnv = 14695981039346656037UL;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var watch = Stopwatch.StartNew();
        await foreach (var batch in streamer.StreamAsync(timeout.Token))
        {
            batches++;
            var done = false;
            foreach (var vevent in batch)
            {
                if (vevent.Type == VEventType.Row)
                {
                    rows += vevent.RowChangeCount;
                    // ROW events are born encoded (no objects to read); the harness counts their encoded size, and
                    // hashes their encoding (table names, lengths, values) for comparisons.
                    var encoded = vevent.GetEncoded(database); // the form the gateway sends by default (born that way)
                    bytes += encoded.Length;
                    if (hash)
                        fnv = Fnv(fnv, encoded);
                }
                else if (vevent.Type == VEventType.CopyCompleted)
                {
                    done = true;
                }
            }
            if (done)
                break;
        }
        watch.Stop();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"copy RESULT seconds={watch.Elapsed.TotalSeconds:F3} rows={rows} rows_per_s={rows / watch.Elapsed.TotalSeconds:F0} " +
            $"event_mb={bytes / 1e6:F1} batches={batches} cpu_s={process.TotalProcessorTime.TotalSeconds:F2} peak_ws_mb={process.PeakWorkingSet64 / 1e6:F1} " +
            $"gc_alloc_mb={GC.GetTotalAllocatedBytes() / 1e6:F1} protocol={(binary ? "binary" : "text")}{(hash ? $" values_fnv={fnv:x16}" : "")}"));
        return rows > 0 ? 0 : 1;
    }

    private static ulong Fnv(ulong state, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
            state = (state ^ b) * 1099511628211UL;
        return state;
    }
}

/// <summary>
/// The copy phase through the gateway: <c>vgate serve</c> as its own process (one unsharded keyspace on the server of
/// <c>uri</c>), a gRPC VStream client here asking for every table from the copy phase (empty GTID, rule <c>/.*</c>), ROW
/// events counted until COPY_COMPLETED. Prints the time, this client's CPU and the server's CPU and peak RSS.
/// </summary>
internal static class CopyGatewayMode
{
    public static async Task<int> RunAsync(string uri, string database)
    {
        var settings = new Dictionary<string, string>
        {
            ["VGate:Keyspaces:0:Name"] = database,
            ["VGate:Keyspaces:0:Database"] = database,
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = uri,
        };
        await using var server = await GatewayServer.StartAsync(settings);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        var client = new Vtgateservice.Vitess.VitessClient(channel);
        var request = new Vtgate.VStreamRequest
        {
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = database, Shard = "0", Gtid = "" } } },
            Filter = new Filter { Rules = { new Rule { Match = "/.*" } } },
        };
        long rows = 0, bytes = 0, responses = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var serverCpu = server.CpuTime();
        using var self = Process.GetCurrentProcess();
        var clientCpu = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using (var call = client.VStream(request, cancellationToken: timeout.Token))
        {
            var done = false;
            while (!done && await call.ResponseStream.MoveNext(timeout.Token))
            {
                responses++;
                foreach (var vevent in call.ResponseStream.Current.Events)
                {
                    if (vevent.Type == VEventType.Row)
                    {
                        rows += vevent.RowEvent.RowChanges.Count;
                        foreach (var change in vevent.RowEvent.RowChanges)
                            bytes += change.After.Values.Length;
                    }
                    else if (vevent.Type == VEventType.CopyCompleted)
                    {
                        done = true;
                    }
                }
            }
        }
        watch.Stop();
        self.Refresh();
        var (_, peak) = server.Memory();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"copy-gateway RESULT seconds={watch.Elapsed.TotalSeconds:F3} rows={rows} rows_per_s={rows / watch.Elapsed.TotalSeconds:F0} " +
            $"value_mb={bytes / 1e6:F1} responses={responses} server_cpu_s={(server.CpuTime() - serverCpu).TotalSeconds:F2} " +
            $"server_peak_rss_mb={peak / 1e6:F0} client_cpu_s={(self.TotalProcessorTime - clientCpu).TotalSeconds:F2}"));
        return rows > 0 ? 0 : 1;
    }
}
