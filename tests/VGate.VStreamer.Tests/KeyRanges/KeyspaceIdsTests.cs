using VGate.VStreamer.KeyRanges;

namespace VGate.VStreamer.Tests.KeyRanges;

// Vitess cases: go/vt/key/key_test.go @ 0018ddf649021737fca42809dcfdf91529db6aab (TestNormalize, TestCompare).
public class KeyspaceIdsTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("00", "")]
    [InlineData("000000", "")]
    [InlineData("11", "11")]
    [InlineData("112233", "112233")]
    [InlineData("110022003300", "1100220033")]
    [InlineData("1100000000000000", "11")]
    [InlineData("1122000000", "1122")]
    [InlineData("112233445566778899aa00", "112233445566778899aa")]
    public void Normalize_DropsTrailingZeroBytes(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(KeyspaceIds.Normalize(Convert.FromHexString(input))));

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("1122334455667788", "1122334455667788", 0)]
    [InlineData("1122", "1122", 0)]
    [InlineData("11223344", "1122334400000000", 0)]
    [InlineData("1122334400000000", "11223344", 0)]
    [InlineData("01", "02", -1)]
    [InlineData("02", "01", 1)]
    [InlineData("3000", "20", 1)]
    [InlineData("80", "8000000000000001", -1)]
    public void Compare_IgnoresTrailingZeros(string left, string right, int expected)
    {
        var a = Convert.FromHexString(left);
        var b = Convert.FromHexString(right);

        Assert.Equal(expected, Math.Sign(KeyspaceIds.Compare(a, b)));
        Assert.Equal(expected == 0, KeyspaceIds.Equal(a, b));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("0000", true)]
    [InlineData("112233", false)]
    public void IsEmpty_TrueForOnlyZeros(string input, bool expected) =>
        Assert.Equal(expected, KeyspaceIds.IsEmpty(Convert.FromHexString(input)));
}
