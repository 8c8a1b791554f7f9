using VGate.Gateway.Health;

namespace VGate.Gateway.Tests.Health;

/// <summary>Bytes behind from a reader's file and position and the source's <c>SHOW BINARY LOGS</c>.</summary>
public sealed class StreamProgressTests
{
    private static readonly BinlogFileSize[] Binlogs = [new("mysql-bin.000007", 1_000), new("mysql-bin.000008", 5_000), new("mysql-bin.000009", 300)];

    [Theory]
    [InlineData("mysql-bin.000009", 300UL, 0L)]
    [InlineData("mysql-bin.000009", 120UL, 180L)]
    [InlineData("mysql-bin.000008", 4_000UL, 1_000L + 300L)]
    [InlineData("mysql-bin.000007", 4UL, 996L + 5_000L + 300L)]
    [InlineData("mysql-bin.000009", 900UL, 0L)] // read past what the latest check saw
    public void BytesBehind_ReaderInAListedFile_RestOfItsFilePlusLaterFiles(string file, ulong position, long expected) =>
        Assert.Equal(expected, ShardStreamProgress.BytesBehind(file, position, Binlogs));

    [Fact]
    public void BytesBehind_FileNotListed_Unknown() =>
        Assert.Null(ShardStreamProgress.BytesBehind("mysql-bin.000003", 4, Binlogs));

    [Fact]
    public void BinlogEventRead_RotateThenEvents_PositionInTheNewFile()
    {
        var progress = new ShardStreamProgress("ks", "0", "s1", TimeProvider.System);
        progress.BinlogEventRead("mysql-bin.000008", 4_800, 1_700_000_000, heartbeat: false);
        progress.BinlogEventRead("mysql-bin.000009", 0, 0, heartbeat: false); // the server's ROTATE: no position of its own

        Assert.Equal(("mysql-bin.000009", 4UL, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), progress.Read());
        progress.BinlogEventRead("mysql-bin.000009", 250, 1_700_000_005, heartbeat: false);
        Assert.Equal(("mysql-bin.000009", 250UL, DateTimeOffset.FromUnixTimeSeconds(1_700_000_005)), progress.Read());
    }

    [Fact]
    public async Task Read_WhileTheStreamWrites_FileAndPositionAlwaysOfTheSameEvent()
    {
        // The position is published without a lock (a sequence lock): a reader must never pair one event's file with
        // another's position. Events alternate between two files whose positions tell them apart.
        var progress = new ShardStreamProgress("ks", "0", "s1", TimeProvider.System);
        progress.BinlogEventRead("mysql-bin.000001", 1_000, 1_700_000_000, heartbeat: false);
        const int Events = 200_000;
        var writer = Task.Run(() =>
        {
            for (var i = 1; i <= Events; i++)
            {
                var odd = (i & 1) == 1;
                progress.BinlogEventRead(odd ? "mysql-bin.000002" : "mysql-bin.000001", odd ? 2_000UL + (ulong)i : 1_000UL + (ulong)i, (uint)(1_700_000_000 + i), heartbeat: false);
            }
        });
        var reads = 0;
        while (!writer.IsCompleted || reads == 0)
        {
            var (file, position, eventTime) = progress.Read()!.Value;
            var expected = file == "mysql-bin.000002" ? 2_000UL : 1_000UL;
            var sequence = position - expected;
            Assert.True(position >= expected && sequence <= Events, $"{file} at {position}");
            if (sequence > 0)
            {
                Assert.Equal(file == "mysql-bin.000002", (sequence & 1) == 1);
                Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + (long)sequence), eventTime);
            }
            reads++;
        }
        await writer;
        Assert.Equal(("mysql-bin.000001", 1_000UL + Events, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + Events)), progress.Read());
    }
}
