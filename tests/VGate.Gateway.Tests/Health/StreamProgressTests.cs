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
}
