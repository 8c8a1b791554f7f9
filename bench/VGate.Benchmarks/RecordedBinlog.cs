using System.Buffers.Binary;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// A recorded binlog the parse benchmarks read, held in memory and split into events (offsets only, no copies). Two
/// workloads, both produced by <c>bench/record-binlog.sh</c>: <c>narrow</c> (<c>bench/data/t10-single.binlog</c>, one
/// single-row INSERT of the 10-column t10 per ROWS event; another file with <c>VGATE_BENCH_BINLOG</c>) and <c>mixed</c>
/// (<c>bench/data/mixed.binlog</c> from <c>record-binlog.sh mixed</c>: every column type, multi-row events, 1–70 KB
/// texts, blobs and JSON; another file with <c>VGATE_BENCH_MIXED_BINLOG</c>).
/// </summary>
internal sealed class RecordedBinlog
{
    public const string EnvironmentVariable = "VGATE_BENCH_BINLOG";
    public const string MixedEnvironmentVariable = "VGATE_BENCH_MIXED_BINLOG";
    public const string Narrow = "narrow";
    public const string Mixed = "mixed";

    /// <summary>The workloads every parse benchmark runs on.</summary>
    public static readonly string[] Workloads = [Narrow, Mixed];

    private static readonly Dictionary<string, RecordedBinlog> Loaded = [];

    private RecordedBinlog(string workload, string path, byte[] bytes, (int Offset, int Length)[] events)
    {
        Workload = workload;
        Path = path;
        Bytes = bytes;
        Events = events;
    }

    /// <summary><c>narrow</c>, <c>mixed</c>, or the file name when a path was given.</summary>
    public string Workload { get; }

    public string Path { get; }

    public byte[] Bytes { get; }

    /// <summary>Offset and length of every event (after the 4-byte magic).</summary>
    public (int Offset, int Length)[] Events { get; }

    public ReadOnlyMemory<byte> Event(int index) => Bytes.AsMemory(Events[index].Offset, Events[index].Length);

    /// <summary>The file of a workload (<c>narrow</c> or <c>mixed</c>); anything else is taken as a path.</summary>
    public static string Locate(string workload = Narrow)
    {
        var (variable, relativePath, recordCommand) = workload switch
        {
            Narrow => (EnvironmentVariable, "bench/data/t10-single.binlog", "bench/record-binlog.sh"),
            Mixed => (MixedEnvironmentVariable, "bench/data/mixed.binlog", "bench/record-binlog.sh mixed"),
            _ => (null, null, null),
        };
        if (variable is null || relativePath is null || recordCommand is null)
        {
            return File.Exists(workload)
                ? System.IO.Path.GetFullPath(workload)
                : throw new FileNotFoundException($"'{workload}' is neither a workload ({string.Join(", ", Workloads)}) nor a binlog file.");
        }

        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? System.IO.Path.GetFullPath(configured)
                : throw Missing($"{variable}={configured} does not exist.", recordCommand, variable);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
                return candidate;
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "VGate.sln")))
                throw Missing($"{candidate} does not exist.", recordCommand, variable);
        }

        throw Missing($"{relativePath} was not found above {AppContext.BaseDirectory}.", recordCommand, variable);
    }

    /// <summary>
    /// Loads a workload (<c>narrow</c>, <c>mixed</c>) or a binlog file, once per process: BenchmarkDotNet's parameter
    /// cases run in one process each, <c>quick</c> runs both workloads in one.
    /// </summary>
    public static RecordedBinlog Load(string? workload = null)
    {
        workload ??= Narrow;
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(workload, out var binlog))
                Loaded[workload] = binlog = Read(workload, Locate(workload));
            return binlog;
        }
    }

    private static RecordedBinlog Read(string workload, string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || !bytes.AsSpan(0, 4).SequenceEqual(BinlogFileReader.Magic))
            throw new InvalidDataException($"{path} is not a binlog file (no fe 62 69 6e magic).");
        var events = new List<(int, int)>();
        var offset = 4;
        while (offset < bytes.Length)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9)));
            if (length < EventHeader.Size || offset + length > bytes.Length)
                throw new InvalidDataException($"{path}: bad event length {length} at offset {offset}.");
            events.Add((offset, length));
            offset += length;
        }

        var name = workload is Narrow or Mixed ? workload : System.IO.Path.GetFileName(path);
        return new RecordedBinlog(name, path, bytes, [.. events]);
    }

    private static FileNotFoundException Missing(string detail, string recordCommand, string variable) => new(
        $"The recorded binlog for the parse benchmarks is missing: {detail} Produce it with `{recordCommand}` " +
        $"(starts a throwaway mariadbd, writes it under bench/data/), or point {variable} at a binlog file.");
}
