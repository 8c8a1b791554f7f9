using VGate.MySql.Positions;

namespace VGate.MySql.Tests.Positions;

public class MySqlGtidSetBinaryTests
{
    // PREVIOUS_GTIDS_LOG_EVENT bodies and expected sets, copied from
    // ../shared/fixtures/mysql/vectors/previous_gtids_tagged.json
    // (go-mysql-org/go-mysql e5cf1da8, replication/event_test.go, TestPreviousGTIDEvent; MIT).
    public static TheoryData<string, string> GoMySqlTaggedVectors => new()
    {
        { "0100000000000001", "" },
        {
            "0101000000000001896e788218fe11efab8822222d34d41100010000000000000001000000000000000400000000000000",
            "896e7882-18fe-11ef-ab88-22222d34d411:1-3"
        },
        {
            "0102000000000001896e788218fe11efab8822222d34d41100010000000000000001000000000000000500000000000000896e788218fe11efab8822222d34d4110861616161010000000000000001000000000000000200000000000000",
            "896e7882-18fe-11ef-ab88-22222d34d411:1-4:aaaa:1"
        },
        {
            "0107000000000001896e788218fe11efab8822222d34d41100010000000000000001000000000000000500000000000000896e788218fe11efab8822222d34d4110861616161010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d41106616263010000000000000001000000000000000400000000000000896e788218fe11efab8822222d34d4110a6262626262010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d4110c626262626262010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d4110278010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d41200010000000000000001000000000000000300000000000000",
            "896e7882-18fe-11ef-ab88-22222d34d411:1-4:aaaa:1:abc:1-3:bbbbb:1:bbbbbb:1:x:1,896e7882-18fe-11ef-ab88-22222d34d412:1-2"
        },
        {
            "0104000000000001042f20ccbc4c11efa1d00242ac11000200010000000000000001000000000000000800000000000000042f20ccbc4c11efa1d00242ac11000206616161010000000000000001000000000000000200000000000000042f20ccbc4c11efa1d00242ac110002287461673435363738393031323334353637383930010000000000000001000000000000000200000000000000042f20ccbc4c11efa1d00242ac110002407461673435363738393031323334353637383930313233343536373839303132010000000000000001000000000000000200000000000000",
            "042f20cc-bc4c-11ef-a1d0-0242ac110002:1-7:aaa:1:tag45678901234567890:1:tag45678901234567890123456789012:1"
        },
    };

    [Theory]
    [MemberData(nameof(GoMySqlTaggedVectors))]
    public void DecodeBinary_TaggedFormatVectors_MatchExpectedText(string hex, string expected)
    {
        var bytes = Convert.FromHexString(hex);

        var set = MySqlGtidSet.DecodeBinary(bytes);

        Assert.Equal(expected, set.ToString());
        // Re-encoding in the tagged format gives the server's bytes back (MySQL sorts entries the same way).
        Assert.Equal(hex, Convert.ToHexStringLower(set.EncodeBinary(MySqlGtidSetBinaryFormat.Tagged)));
    }

    [Fact]
    public void EncodeBinary_Untagged_UsesExclusiveIntervalEnds()
    {
        var set = MySqlGtidSet.Parse("b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2:5");

        var bytes = set.EncodeBinary();

        Assert.Equal(
            "0100000000000000" + // one SID
            "b9b88c66075511f198994a9da94c4d71" +
            "0200000000000000" + // two intervals
            "0100000000000000" + "0300000000000000" + // 1-2 is stored as [1, 3)
            "0500000000000000" + "0600000000000000", // 5 is stored as [5, 6)
            Convert.ToHexStringLower(bytes));
        Assert.Equal(set, MySqlGtidSet.DecodeBinary(bytes));
    }

    [Fact]
    public void EncodeBinary_Empty_IsEightZeroBytes() =>
        Assert.Equal(new byte[8], MySqlGtidSet.Empty.EncodeBinary());

    [Fact]
    public void EncodeBinary_SetWithTags_ChoosesTaggedFormat()
    {
        var set = MySqlGtidSet.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");

        var bytes = set.EncodeBinary();

        Assert.Equal(0x01, bytes[0]);
        Assert.Equal(0x01, bytes[7]);
        Assert.Equal(set, MySqlGtidSet.DecodeBinary(bytes));
    }

    [Fact]
    public void EncodeBinary_UntaggedFormatWithTags_Throws()
    {
        var set = MySqlGtidSet.Parse("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:1");

        Assert.Throws<InvalidOperationException>(() => set.EncodeBinary(MySqlGtidSetBinaryFormat.Untagged));
    }

    [Theory]
    [InlineData("01000000", "Unexpected end of data")] // header cut short
    [InlineData("0200000000000000", "claims 2 entries")]
    [InlineData("0100000000000002", "Unknown GTID set encoding")]
    [InlineData("0100000000000000b9b88c66075511f198994a9da94c4d710100000000000000", "claims 1 intervals")]
    [InlineData("0100000000000000b9b88c66075511f198994a9da94c4d71010000000000000005000000000000000500000000000000", "Invalid GTID interval [5, 5)")]
    [InlineData("0100000000000000b9b88c66075511f198994a9da94c4d71010000000000000000000000000000000500000000000000", "Invalid GTID interval [0, 5)")]
    [InlineData("0101000000000001b9b88c66075511f198994a9da94c4d7106612d62010000000000000001000000000000000200000000000000", "Invalid GTID tag")] // tag "a-b"
    [InlineData("0101000000000001b9b88c66075511f198994a9da94c4d714261616161616161616161616161616161616161616161616161616161616161616161", "GTID tag length 33 exceeds 32")]
    [InlineData("0000000000000000ff", "1 unexpected byte(s)")]
    public void DecodeBinary_Malformed_Throws(string hex, string fragment)
    {
        var ex = Assert.Throws<BinlogFormatException>(() => MySqlGtidSet.DecodeBinary(Convert.FromHexString(hex)));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
