using VGate.VStreamer.Vindexes;
using static VGate.VStreamer.Tests.Vindexes.VindexTestValues;

namespace VGate.VStreamer.Tests.Vindexes;

public class BinaryVindexTests
{
    // Vitess TestBinaryMap: vitessio/vitess go/vt/vtgate/vindexes/binary_test.go @ 9cdca7a909bc7e7c86273aaacfc53cff7aa7cd4b
    // (NULL maps to an empty keyspace id).
    [Theory]
    [InlineData(VindexValueKind.Bytes, "test1", "7465737431")]
    [InlineData(VindexValueKind.Null, null, "")]
    [InlineData(VindexValueKind.Bytes, "test2", "7465737432")]
    [InlineData(VindexValueKind.Signed, "-1", "2d31")]
    public void TryMap_RawBytes(VindexValueKind kind, string? text, string expected) =>
        Assert.Equal(expected, MapToHex("binary", kind, text));

    [Fact]
    public void TryMap_BinaryBytesUnchanged() =>
        Assert.Equal("00ff800001", MapToHex("binary", VindexValueKind.Bytes, [0x00, 0xff, 0x80, 0x00, 0x01]));

    // Vitess TestBinaryMD5Map: vitessio/vitess go/vt/vtgate/vindexes/binarymd5_test.go @ 394c3a8840729eda5ccadc30fe85377f6004093e
    // ("\f\xbcf\x11\xf5T\vЀ\x9a8\x8d\xc9Za[" and "\x03;\xd9K\x11h\xd7\xe4\xf0\xd6D\xc3\xc9^5\xbf").
    [Theory]
    [InlineData(VindexValueKind.Bytes, "Test", "0cbc6611f5540bd0809a388dc95a615b")]
    [InlineData(VindexValueKind.Bytes, "TEST", "033bd94b1168d7e4f0d644c3c95e35bf")]
    [InlineData(VindexValueKind.Null, null, "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData(VindexValueKind.Signed, "1", "c4ca4238a0b923820dcc509a6f75849b")]
    public void TryMap_BinaryMd5(VindexValueKind kind, string? text, string expected) =>
        Assert.Equal(expected, MapToHex("binary_md5", kind, text));
}
