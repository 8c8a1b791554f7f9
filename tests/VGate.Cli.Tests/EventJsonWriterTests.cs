using System.Buffers;
using System.Text.Json;
using VGate.Cli.Output;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.Cli.Tests;

/// <summary>
/// Every event of every captured binlog file (MySQL 5.7–9 and MariaDB, written by real servers: JSON, VECTOR, BIT,
/// ENUM/SET, invisible columns, compressed transactions, …) is written as one valid JSON object. And what the writer
/// does with a value no server can store: a binlog file written by a real MariaDB (checksums off),
/// with the FLOAT bytes of one row replaced by a NaN, is read back and written event by event. Every event before the
/// damaged row is written as valid JSON; the damaged row is a <see cref="ValueRenderException"/> naming the table and
/// column, never an invalid line.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EventJsonWriterTests
{
    public static TheoryData<string> CapturedFiles()
    {
        var data = new TheoryData<string>();
        var root = Path.Combine(AppContext.BaseDirectory, "TestData");
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            // Binlog files only (not the READMEs, nor the bare event of vitess/large_compressed_trx_payload.bin).
            var magic = new byte[4];
            using (var stream = File.OpenRead(path))
                stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            if (magic.AsSpan().SequenceEqual(BinlogFileReader.Magic))
                data.Add(Path.GetRelativePath(root, path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CapturedFiles))]
    public async Task Write_EveryEventOfACapturedBinlog_IsOneValidJsonObject(string file)
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new EventJsonWriter(output);
        await using var client = new BinlogClient(new BinlogClientOptions { Connection = MySqlConnectionOptions.Parse("mysql://u:p@localhost") });
        await using var reader = BinlogFileReader.Open(Path.Combine(AppContext.BaseDirectory, "TestData", file));
        var written = 0;
        await foreach (var binlogEvent in reader.ReadEventsAsync())
        {
            IEnumerable<BinlogEvent> events = binlogEvent is TransactionPayloadEvent payload ? payload.ReadEvents() : [binlogEvent];
            foreach (var ev in events)
            {
                output.ResetWrittenCount();
                writer.Write(ev, client);
                using var line = JsonDocument.Parse(output.WrittenMemory);
                Assert.Equal(JsonValueKind.Object, line.RootElement.ValueKind);
                written++;
            }
        }
        Assert.True(written > 0, $"{file}: no events");
    }

    [ServerFact]
    public async Task Write_FloatCellHoldingNaN_ThrowsValueRenderExceptionNamingTableAndColumn()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "nan", ExtraArguments = ["--binlog-checksum=NONE"] });
        await server.ExecuteAsync("CREATE DATABASE shop; CREATE TABLE shop.prices (id INT PRIMARY KEY, f FLOAT, d DOUBLE)");
        var (file, _) = await server.GetBinlogPositionAsync();
        await server.ExecuteAsync("INSERT INTO shop.prices VALUES (1, 1.5, 2.5)");
        await server.FlushLogsAsync();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(server.BinlogDirectory, file));

        // The row image holds f (float32 1.5 = 3FC00000) then d (float64 2.5 = 4004000000000000), little-endian.
        byte[] cells = [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40];
        var at = bytes.AsSpan().IndexOf(cells);
        Assert.True(at > 0 && bytes.AsSpan(at + 1).IndexOf(cells) < 0, "the row's cells must occur exactly once in the binlog");
        bytes[at + 3] = 0x7F; // 7FC00000: a quiet NaN

        var output = new ArrayBufferWriter<byte>();
        using var writer = new EventJsonWriter(output);
        await using var client = new BinlogClient(new BinlogClientOptions { Connection = MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()) });
        await using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var written = 0;
        ValueRenderException? error = null;
        await foreach (var binlogEvent in reader.ReadEventsAsync())
        {
            if (binlogEvent is RowsEvent)
            {
                error = Assert.Throws<ValueRenderException>(() => writer.Write(binlogEvent, client));
                break;
            }
            output.ResetWrittenCount();
            writer.Write(binlogEvent, client);
            using var line = JsonDocument.Parse(output.WrittenMemory);
            written++;
        }

        Assert.NotNull(error);
        Assert.True(written >= 3, $"only {written} events before the row event");
        Assert.Contains("column 'f' (Float) of shop.prices in the write_rows event", error.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(error.InnerException);
    }
}
