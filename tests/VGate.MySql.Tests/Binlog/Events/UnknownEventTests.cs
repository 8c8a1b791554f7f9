using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class UnknownEventTests
{
    [Fact]
    public void Parse_ObsoleteLoadEvent_SkippedWithBodyReferencedNotCopied()
    {
        var bytes = TestData.BuildEvent(EventType.NewLoad, [9, 8, 7, 6], crc: true);
        var unknown = Assert.IsType<UnknownEvent>(TestData.MySql8Parser().Parse(bytes));

        Assert.Equal(EventType.NewLoad, unknown.Type);
        Assert.False(unknown.IsIgnorable);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(unknown.Body, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(EventHeader.Size, segment.Offset);
    }
}
