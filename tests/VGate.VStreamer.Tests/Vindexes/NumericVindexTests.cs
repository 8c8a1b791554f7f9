using VGate.VStreamer.Vindexes;
using static VGate.VStreamer.Tests.Vindexes.VindexTestValues;

namespace VGate.VStreamer.Tests.Vindexes;

public class NumericVindexTests
{
    // Vitess TestNumericMap (1..8 → big-endian) and TestNumericMapBadData (1.1 is rejected):
    // vitessio/vitess go/vt/vtgate/vindexes/numeric_test.go @ 16de87b053e674299de1e6dbf6cac5cb6d5d0265.
    [Theory]
    [InlineData(VindexValueKind.Signed, "1", "0000000000000001")]
    [InlineData(VindexValueKind.Signed, "2", "0000000000000002")]
    [InlineData(VindexValueKind.Signed, "3", "0000000000000003")]
    [InlineData(VindexValueKind.Unsigned, "4", "0000000000000004")]
    [InlineData(VindexValueKind.Unsigned, "5", "0000000000000005")]
    [InlineData(VindexValueKind.Unsigned, "6", "0000000000000006")]
    [InlineData(VindexValueKind.Bytes, "7", "0000000000000007")]
    [InlineData(VindexValueKind.Bytes, "8", "0000000000000008")]
    [InlineData(VindexValueKind.Unsigned, "18446744073709551615", "ffffffffffffffff")]
    [InlineData(VindexValueKind.Signed, "9223372036854775807", "7fffffffffffffff")]
    [InlineData(VindexValueKind.Signed, "0", "0000000000000000")]
    [InlineData(VindexValueKind.Signed, "-1", null)] // ToUint64: negative number cannot be converted to unsigned
    [InlineData(VindexValueKind.Bytes, "-1", null)]
    [InlineData(VindexValueKind.Bytes, "1.1", null)]
    [InlineData(VindexValueKind.Bytes, "abc", null)]
    [InlineData(VindexValueKind.Null, null, null)]
    public void TryMap_BigEndianUInt64(VindexValueKind kind, string? text, string? expected) =>
        Assert.Equal(expected, MapToHex("numeric", kind, text));
}
