using Binlogdata;
using Google.Protobuf;
using Vtgate;

namespace VGate.Protocol.Tests;

/// <summary>
/// A newer client (or server) may send fields this build does not know. They must survive a
/// parse/serialize round trip byte for byte, so VGate never silently drops them when it relays
/// or echoes a message.
/// </summary>
public class UnknownFieldTests
{
    [Fact]
    public void VStreamFlagsFromANewerClientKeepUnknownFields()
    {
        var bytes = Hex.Parse(
            "08 01" +                   //  1 minimize_skew (known)
            "58 80 80 40" +             // 11 transaction_chunk_size (known)
            "60 01" +                   // 12 varint: unknown to this build
            "9A 06 03 61 62 63");       // 99 string "abc": unknown

        var flags = VStreamFlags.Parser.ParseFrom(bytes);

        Assert.True(flags.MinimizeSkew);
        Assert.Equal(1 << 20, flags.TransactionChunkSize);
        Assert.Equal(Hex.Format(bytes), Hex.Format(flags.ToByteArray()));
        Assert.Equal(flags, flags.Clone());
        Assert.Equal(Hex.Format(bytes), Hex.Format(flags.Clone().ToByteArray()));
    }

    [Fact]
    public void UnknownFieldsInsideNestedMessagesSurvive()
    {
        // Unknown fields one level down (VStreamRequest.flags) and on a VEvent (field 40).
        var flagsBytes = Hex.Parse("10 1E | 60 01");
        var request = Hex.Parse("2A 04").Concat(flagsBytes).ToArray();

        var parsed = VStreamRequest.Parser.ParseFrom(request);

        Assert.Equal(30u, parsed.Flags.HeartbeatInterval);
        Assert.Equal(Hex.Format(request), Hex.Format(parsed.ToByteArray()));

        var vevent = Hex.Parse("08 0C | C0 02 07");         // type ROW, field 40 varint 7 (tag 320 = C0 02)
        var parsedEvent = VEvent.Parser.ParseFrom(vevent);
        Assert.Equal(VEventType.Row, parsedEvent.Type);
        Assert.Equal(Hex.Format(vevent), Hex.Format(parsedEvent.ToByteArray()));
    }

    [Fact]
    public void UnknownEnumValuesArePreserved()
    {
        // VEventType 23 (from a future Vitess) stays 23, not UNKNOWN.
        var parsed = VEvent.Parser.ParseFrom(Hex.Parse("08 17"));
        Assert.Equal(23, (int)parsed.Type);
        Assert.Equal("0817", Hex.Format(parsed.ToByteArray()));
    }

    [Fact]
    public void ReservedNumbersAreSkippedNotMisread()
    {
        // ExecuteRequest 4..7 are reserved (moved into Session): a legacy client's field 4 must not land anywhere.
        var bytes = Hex.Parse("20 02 | 40 01");              // 4 = 2 (legacy tablet_type), 8 prepared = true
        var parsed = ExecuteRequest.Parser.ParseFrom(bytes);
        Assert.True(parsed.Prepared);
        Assert.Null(parsed.Session);
        Assert.Equal(Hex.Format(Hex.Parse("40 01 | 20 02")), Hex.Format(parsed.ToByteArray()));
    }
}
