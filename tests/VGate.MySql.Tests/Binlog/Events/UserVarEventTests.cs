using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class UserVarEventTests
{
    [Fact]
    public void Parse_StringVariable_NameCharsetAndValue()
    {
        var userVar = Assert.Single(EventsIn.File<UserVarEvent>("mariadb/mariadb-10.11-rows.000001"));
        Assert.Equal("v", userVar.Name);
        Assert.False(userVar.IsNull);
        Assert.Equal(UserVarType.String, userVar.ValueType);
        Assert.Equal(33u, userVar.Charset);
        Assert.Equal("user var value", Encoding.UTF8.GetString(userVar.Value.Span));
        Assert.Equal(0, userVar.Flags);
    }

    [Fact]
    public void Parse_NullAndUnsignedInt_Variants()
    {
        var parser = new BinlogEventParser();
        var nullVar = Assert.IsType<UserVarEvent>(parser.Parse(TestData.BuildEvent(EventType.UserVar, [1, 0, 0, 0, (byte)'n', 1], crc: false)));
        Assert.True(nullVar.IsNull);
        Assert.Equal("n", nullVar.Name);

        byte[] body = [1, 0, 0, 0, (byte)'u', 0, 2, 63, 0, 0, 0, 8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, UserVarEvent.UnsignedFlag];
        var unsignedVar = Assert.IsType<UserVarEvent>(parser.Parse(TestData.BuildEvent(EventType.UserVar, body, crc: false)));
        Assert.Equal(UserVarType.Int, unsignedVar.ValueType);
        Assert.Equal(UserVarEvent.UnsignedFlag, unsignedVar.Flags);
        Assert.Equal(ulong.MaxValue, BitConverter.ToUInt64(unsignedVar.Value.Span));
    }

    [Fact]
    public void Parse_ValueLengthPastEnd_ThrowsFormatException()
    {
        byte[] body = [1, 0, 0, 0, (byte)'u', 0, 0, 33, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1];
        Assert.Throws<BinlogFormatException>(() => new BinlogEventParser().Parse(TestData.BuildEvent(EventType.UserVar, body, crc: false)));
    }
}
