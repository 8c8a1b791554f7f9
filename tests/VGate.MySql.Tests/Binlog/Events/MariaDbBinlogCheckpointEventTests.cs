using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class MariaDbBinlogCheckpointEventTests
{
    [Theory]
    [InlineData("mariadb/mariadb-10.11-rows.000001", "bin.000001")]
    [InlineData("mariadb/mariadb-10.11-compressed.000002", "bin.000001,bin.000002")]
    [InlineData("mariadb/mariadb-10.11-stop.000003", "bin.000002,bin.000003")]
    public void Parse_Capture_OldestNeededFile(string file, string expected)
    {
        var checkpoints = EventsIn.File<MariaDbBinlogCheckpointEvent>(file);
        Assert.Equal(expected.Split(','), checkpoints.Select(c => c.FileName));
    }

    [Fact]
    public void Parse_NameLengthPastEnd_ThrowsFormatException()
    {
        byte[] body = [0xff, 0, 0, 0, (byte)'b'];
        Assert.Throws<BinlogFormatException>(() => new BinlogEventParser().Parse(TestData.BuildEvent(EventType.MariaDbBinlogCheckpoint, body, crc: false)));
    }
}
