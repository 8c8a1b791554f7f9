using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class IncidentEventTests
{
    // No fixture holds an INCIDENT (servers write one only when a change could not be logged); built per
    // https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Incident__event.html: type, message length, message.
    [Fact]
    public void Parse_LostEvents_TypeAndMessage()
    {
        byte[] body = [1, 0, 11, .. "lost events"u8];
        var incident = Assert.IsType<IncidentEvent>(TestData.MySql8Parser().Parse(TestData.BuildEvent(EventType.Incident, body, crc: true)));
        Assert.Equal(1, incident.IncidentType);
        Assert.Equal("lost events", incident.Message);
    }

    [Fact]
    public void Parse_MessageLongerThanBody_ThrowsFormatException()
    {
        byte[] body = [1, 0, 50, .. "short"u8];
        Assert.Throws<BinlogFormatException>(() => TestData.MySql8Parser().Parse(TestData.BuildEvent(EventType.Incident, body, crc: true)));
    }
}
