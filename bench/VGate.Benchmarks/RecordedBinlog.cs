using System.Buffers.Binary;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// The recorded binlog the parse benchmarks read, held in memory and split into events (offsets only, no copies).
/// Produced by <c>bench/record-binlog.sh</c> into <c>bench/data/t10-single.binlog</c>; another file can be named with
/// the <c>VGATE_BENCH_BINLOG</c> environment variable.
/// </summary>
internal sealed class RecordedBinlog
{
    public const string EnvironmentVariable = "VGATE_BENCH_BINLOG";
    private const string DefaultRelativePath = "bench/data/t10-single.binlog";

    private RecordedBinlog(string path, byte[] bytes, (int Offset, int Length)[] events)
    {
        Path = path;
        Bytes = bytes;
        Events = events;
    }

    public string Path { get; }

    public byte[] Bytes { get; }

    /// <summary>Offset and length of every event (after the 4-byte magic).</summary>
    public (int Offset, int Length)[] Events { get; }

    public ReadOnlyMemory<byte> Event(int index) => Bytes.AsMemory(Events[index].Offset, Events[index].Length);

    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? System.IO.Path.GetFullPath(configured)
                : throw Missing($"{EnvironmentVariable}={configured} does not exist.");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, DefaultRelativePath);
            if (File.Exists(candidate))
                return candidate;
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "VGate.sln")))
                throw Missing($"{candidate} does not exist.");
        }

        throw Missing($"{DefaultRelativePath} was not found above {AppContext.BaseDirectory}.");
    }

    public static RecordedBinlog Load(string? path = null)
    {
        path ??= Locate();
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

        return new RecordedBinlog(path, bytes, [.. events]);
    }

    private static FileNotFoundException Missing(string detail) => new(
        $"The recorded binlog for the parse benchmarks is missing: {detail} Produce it with `bench/record-binlog.sh` " +
        $"(starts a throwaway mariadbd, writes bench/data/t10-single.binlog), or point {EnvironmentVariable} at a binlog file.");
}
