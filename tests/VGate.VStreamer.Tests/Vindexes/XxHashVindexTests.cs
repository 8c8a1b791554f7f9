using VGate.VStreamer.Vindexes;
using static VGate.VStreamer.Tests.Vindexes.VindexTestValues;

namespace VGate.VStreamer.Tests.Vindexes;

public class XxHashVindexTests
{
    // vstream-spec.md section 3, and Vitess TestXXHashMap:
    // vitessio/vitess go/vt/vtgate/vindexes/xxhash_test.go @ 372d5d0b7898fa516ccf7697fd60aa8a512d2924.
    [Theory]
    [InlineData(VindexValueKind.Bytes, "test1", "d01ab7e4d6978f0b")]
    [InlineData(VindexValueKind.Bytes, "test2", "87eb11714c0a0e89")]
    [InlineData(VindexValueKind.Bytes, "testaverylongvaluetomakesurethisworks", "81d8c38e0d850e6a")]
    [InlineData(VindexValueKind.Signed, "1", "d46405367612b4b7")]
    [InlineData(VindexValueKind.Null, null, "99e9d85137db46ef")]
    [InlineData(VindexValueKind.Bytes, "", "99e9d85137db46ef")]
    [InlineData(VindexValueKind.Signed, "-1", "d8e2a6a7c8c7623d")]
    [InlineData(VindexValueKind.Unsigned, "18446744073709551615", "477cfa8d6d8f1f8d")]
    [InlineData(VindexValueKind.Signed, "9223372036854775807", "b37eb01f7bffafd8")]
    [InlineData(VindexValueKind.Unsigned, "9223372036854775807", "b37eb01f7bffafd8")]
    [InlineData(VindexValueKind.Signed, "-9223372036854775808", "102c27ddb26a609e")]
    public void TryMap_VitessVectors(VindexValueKind kind, string? text, string expected) =>
        Assert.Equal(expected, MapToHex("xxhash", kind, text));

    [Fact]
    public void TryMap_HashesRawBytesWithoutFolding() =>
        Assert.NotEqual(MapToHex("xxhash", VindexValueKind.Bytes, "Test"), MapToHex("xxhash", VindexValueKind.Bytes, "TEST"));
}
