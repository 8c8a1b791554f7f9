using System.Buffers;
using System.Text;
using VGate.Cli.Output;
using VGate.MySql.Protocol;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Replication;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate binlog</c> formats events in batches after the stream has moved on (<see cref="EventBatch"/>): for every
/// captured binlog file (real MySQL and MariaDB servers), the lines a batch renders after the reader has read on are the
/// lines <see cref="EventJsonWriter"/> writes for each event while it is current.
/// </summary>
public sealed class EventBatchTests
{
    public static TheoryData<string> CapturedFiles() => EventJsonWriterTests.CapturedFiles();

    [Theory]
    [MemberData(nameof(CapturedFiles))]
    public async Task Render_EveryEventOfACapturedBinlog_SameLinesAsWrittenWhileCurrent(string file)
    {
        var expected = new ArrayBufferWriter<byte>();
        using var writer = new EventJsonWriter(expected);
        var rendered = new MemoryStream();
        using var batch = new EventBatch();
        var batches = 0;
        void Flush()
        {
            batch.Render();
            Assert.Null(batch.Error);
            rendered.Write(batch.Lines.Span);
            batch.Clear();
            batches++;
        }

        await using var client = new BinlogClient(new BinlogClientOptions { Connection = MySqlConnectionOptions.Parse("mysql://u:p@localhost") });
        await using var reader = BinlogFileReader.Open(Path.Combine(AppContext.BaseDirectory, "TestData", file));
        await foreach (var binlogEvent in reader.ReadEventsAsync())
        {
            IEnumerable<BinlogEvent> events = binlogEvent is TransactionPayloadEvent payload ? payload.ReadEvents() : [binlogEvent];
            foreach (var ev in events)
            {
                writer.Write(ev, client);
                expected.Write("\n"u8);
                if (!batch.TryAdd(ev, client))
                {
                    Flush();
                    Assert.True(batch.TryAdd(ev, client), "an empty batch takes any event");
                }
                if (batch.IsFull)
                    Flush();
            }
        }
        if (batch.Count > 0)
            Flush();

        Assert.True(batches > 0, $"{file}: no events");
        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(rendered.ToArray()));
    }
}
