using VGate.Testing.MySqlSource;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// The test source's GTID set decoding against go-mysql's PREVIOUS_GTIDS vectors (TestPreviousGTIDEvent in
/// go-mysql-org/go-mysql replication/event_test.go, e5cf1da), tagged format included, so that what
/// <see cref="MySqlSourceServer.DumpRequests"/> shows of VGate's encoding is judged by a decoder checked elsewhere.
/// </summary>
public sealed class SourceGtidSetTests
{
    [Theory]
    [InlineData("0100000000000001", "")]
    [InlineData("0101000000000001896e788218fe11efab8822222d34d41100010000000000000001000000000000000400000000000000", "896e7882-18fe-11ef-ab88-22222d34d411:1-3")]
    [InlineData("0102000000000001896e788218fe11efab8822222d34d41100010000000000000001000000000000000500000000000000896e788218fe11efab8822222d34d4110861616161010000000000000001000000000000000200000000000000", "896e7882-18fe-11ef-ab88-22222d34d411:1-4:aaaa:1")]
    [InlineData("0107000000000001896e788218fe11efab8822222d34d41100010000000000000001000000000000000500000000000000896e788218fe11efab8822222d34d4110861616161010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d41106616263010000000000000001000000000000000400000000000000896e788218fe11efab8822222d34d4110a6262626262010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d4110c626262626262010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d4110278010000000000000001000000000000000200000000000000896e788218fe11efab8822222d34d41200010000000000000001000000000000000300000000000000", "896e7882-18fe-11ef-ab88-22222d34d411:1-4:aaaa:1:abc:1-3:bbbbb:1:bbbbbb:1:x:1,896e7882-18fe-11ef-ab88-22222d34d412:1-2")]
    [InlineData("0104000000000001042f20ccbc4c11efa1d00242ac11000200010000000000000001000000000000000800000000000000042f20ccbc4c11efa1d00242ac11000206616161010000000000000001000000000000000200000000000000042f20ccbc4c11efa1d00242ac110002287461673435363738393031323334353637383930010000000000000001000000000000000200000000000000042f20ccbc4c11efa1d00242ac110002407461673435363738393031323334353637383930313233343536373839303132010000000000000001000000000000000200000000000000", "042f20cc-bc4c-11ef-a1d0-0242ac110002:1-7:aaa:1:tag45678901234567890:1:tag45678901234567890123456789012:1")]
    public void DecodeBinary_GoMySqlVector_PrintsTheExpectedSet(string hex, string expected)
    {
        var set = SourceGtidSet.DecodeBinary(Convert.FromHexString(hex));

        Assert.Equal(expected, set.ToString());
        Assert.Equal(expected, SourceGtidSet.Parse(expected).ToString());
    }

    [Fact]
    public void Except_TaggedAndUntagged_KeepsThemApart()
    {
        var set = SourceGtidSet.Parse("896e7882-18fe-11ef-ab88-22222d34d411:1-4:aaaa:1-3");

        Assert.Equal("896e7882-18fe-11ef-ab88-22222d34d411:aaaa:3", set.Except(SourceGtidSet.Parse("896e7882-18fe-11ef-ab88-22222d34d411:1-4:aaaa:1-2")).ToString());
        Assert.True(set.Contains("896e7882-18fe-11ef-ab88-22222d34d411", "aaaa", 3));
        Assert.False(set.Contains("896e7882-18fe-11ef-ab88-22222d34d411", "", 5));
    }

    [Theory]
    [InlineData("1-100", "5-10:20-30", "1-4:11-19:31-100")]
    [InlineData("1-100", "1-100", "")]
    [InlineData("1-10:20-30", "5-25", "1-4:26-30")]
    [InlineData("50-60", "1-10:70-80", "50-60")]
    [InlineData("1-9223372036854775806", "2-9223372036854775806", "1")]
    public void Except_Intervals_KeepsWhatTheOtherSetLacks(string mine, string other, string expected)
    {
        const string Uuid = "896e7882-18fe-11ef-ab88-22222d34d411";

        var result = SourceGtidSet.Parse($"{Uuid}:{mine}").Except(SourceGtidSet.Parse($"{Uuid}:{other}"));

        Assert.Equal(expected.Length == 0 ? "" : $"{Uuid}:{expected}", result.ToString());
    }
}
