using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class HeartbeatEventTests
{
    // Heartbeats are never written to files, so these are built per the MySQL docs (Heartbeat_event, Heartbeat_event_v2).
    [Fact]
    public void Parse_V1_FileNameFromBodyPositionFromHeader()
    {
        var parser = TestData.MySql8Parser();
        var ev = TestData.BuildEvent(EventType.Heartbeat, "binlog.000042"u8, crc: true, nextPosition: 98765, timestamp: 0);
        var heartbeat = Assert.IsType<HeartbeatEvent>(parser.Parse(ev));

        Assert.Equal(1, heartbeat.Version);
        Assert.Equal("binlog.000042", heartbeat.LogFileName);
        Assert.Equal(98765ul, heartbeat.Position);
    }

    [Fact]
    public void Parse_V2_TlvFileNameAndPosition()
    {
        // field 1 (file name, 13 bytes), field 2 (position as a length-encoded integer: fd + 3 bytes), unknown field 9 (skipped), end mark.
        byte[] body = [1, 13, .. "binlog.000041"u8, 2, 4, 0xFD, 0x15, 0xCD, 0x5B, 9, 2, 0xAA, 0xBB, 0];
        var heartbeat = Assert.IsType<HeartbeatEvent>(TestData.MySql8Parser().Parse(TestData.BuildEvent(EventType.HeartbeatV2, body, crc: true)));

        Assert.Equal(2, heartbeat.Version);
        Assert.Equal("binlog.000041", heartbeat.LogFileName);
        Assert.Equal(0x5BCD15ul, heartbeat.Position);
    }

    [Fact]
    public void Parse_V2TruncatedField_ThrowsFormatException()
    {
        byte[] body = [1, 40, .. "binlog"u8];
        Assert.Throws<BinlogFormatException>(() => TestData.MySql8Parser().Parse(TestData.BuildEvent(EventType.HeartbeatV2, body, crc: true)));
    }
}
