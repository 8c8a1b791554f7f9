using System.Text;
using VGate.VStreamer.Vindexes;
using static VGate.VStreamer.Tests.Vindexes.VindexTestValues;

namespace VGate.VStreamer.Tests.Vindexes;

public class UnicodeLooseVindexTests
{
    // Vitess TestUnicodeLooseMD5Map: vitessio/vitess go/vt/vtgate/vindexes/unicodeloosemd5_test.go @ 4d7ba6efa1e5c4d7e8c8af83aae299148f793f18
    // ("\v^۴\x01\xfdu$96\x90I\x1dd\xf1\xf5" = 0b5edbb4..., etc.).
    [Theory]
    [InlineData("Test", "0b5edbb401fd7524393690491d64f1f5")]
    [InlineData("TEST", "0b5edbb401fd7524393690491d64f1f5")]
    [InlineData("Te\u0301st", "0b5edbb401fd7524393690491d64f1f5")]
    [InlineData("T\u00e9st", "0b5edbb401fd7524393690491d64f1f5")]
    [InlineData("B\u00e9st", "c2b2332e4f73d00741026249706f2fb6")]
    [InlineData("Test ", "0b5edbb401fd7524393690491d64f1f5")]
    [InlineData(" Test", "a2e3515c7e8df1ffd2ccfc11c6b19dd1")]
    [InlineData("Test\t", "82456dd87a9c7a02b1c2056b5abaa272")]
    [InlineData("T\u00e9stLooong", "9683e12b80430cd453f5dfdfba81c9a5")]
    [InlineData("T", "ac0f9179f51db87fe8ecc0cf40cab97a")]
    public void TryMap_Md5_VitessVectors(string input, string expected) =>
        Assert.Equal(expected, MapToHex("unicode_loose_md5", VindexValueKind.Bytes, input));

    // Vitess TestUnicodeLooseXXHashMap: vitessio/vitess go/vt/vtgate/vindexes/unicodeloosexxhash_test.go @ 9cdca7a909bc7e7c86273aaacfc53cff7aa7cd4b
    // ("B\xd2\x13a\bzL\a" = 42d21361087a4c07, etc.).
    [Theory]
    [InlineData("Test", "42d21361087a4c07")]
    [InlineData("TEst", "42d21361087a4c07")]
    [InlineData("Te\u0301st", "42d21361087a4c07")]
    [InlineData("T\u00e9st", "42d21361087a4c07")]
    [InlineData("B\u00e9st", "926975b9ce2ec316")]
    [InlineData("Test ", "42d21361087a4c07")]
    [InlineData(" Test", "4fcb8be34ec05775")]
    [InlineData("Test\t", "20af87fc36e3fd51")]
    [InlineData("T\u00e9stLooong", "d3ea873942b484a7")]
    [InlineData("T", "f81c3be2d501fe18")]
    [InlineData(null, "99e9d85137db46ef")]
    public void TryMap_XxHash_VitessVectors(string? input, string expected) =>
        Assert.Equal(expected, MapToHex("unicode_loose_xxhash", VindexValueKind.Bytes, input));

    // Vitess TestNormalization: vitessio/vitess go/vt/vtgate/vindexes/unicode_test.go @ 372d5d0b7898fa516ccf7697fd60aa8a512d2924.
    [Theory]
    [InlineData("Test", "1816164c17f31816")]
    [InlineData("TEST", "1816164c17f31816")]
    [InlineData("Te\u0301st", "1816164c17f31816")]
    [InlineData("T\u00e9st", "1816164c17f31816")]
    [InlineData("B\u00e9st", "1605164c17f31816")]
    [InlineData("Test ", "1816164c17f31816")]
    [InlineData(" Test", "01091816164c17f31816")]
    [InlineData("Test\t", "1816164c17f318160100")]
    [InlineData("T\u00e9stLooong", "1816164c17f318161711177117711771174f1691")]
    [InlineData("T", "1816")]
    public void GetKey_VitessNormalizationVectors(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(UnicodeLooseWeights.GetKey(Encoding.UTF8.GetBytes(input))));

    // 400 strings of Latin, combining, Greek/Cyrillic and other covered code points, keyed and hashed by
    // golang.org/x/text/collate itself (UnicodeLooseVectors.g.cs; see the generator).
    [Fact]
    public void GetKey_MatchesGoCollatorOnGeneratedVectors()
    {
        foreach (var (input, key, md5) in UnicodeLooseVectors.Cases)
        {
            var bytes = Encoding.UTF8.GetBytes(input);
            Assert.True(key == Convert.ToHexStringLower(UnicodeLooseWeights.GetKey(bytes)), $"key of {input}");
            Assert.Equal(md5, MapToHex("unicode_loose_md5", VindexValueKind.Bytes, bytes));
        }
    }

    [Theory]
    [InlineData("\u0438\u0306", "1a1f")] // и + combining breve contracts to й
    [InlineData("\u0439", "1a1f")]
    [InlineData("L\u00b7", "1711")] // the middle dot after L is absorbed
    [InlineData("\u00df", "17f317f3")] // ß expands to ss
    [InlineData("\uff21", "15ef")] // fullwidth A = a
    [InlineData("\u00c5ngstr\u00f6m", "15ef174f169117f3181617bd17711741")]
    public void GetKey_ContractionsAndExpansions(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(UnicodeLooseWeights.GetKey(Encoding.UTF8.GetBytes(input))));

    [Fact]
    public void GetKey_CaseAndAccentInsensitive()
    {
        // md5 from golang.org/x/text/collate (English, Loose) for both spellings.
        Assert.Equal("88f705da0f28a687a8e4eacfd4151e99", MapToHex("unicode_loose_md5", VindexValueKind.Bytes, "RENEE FRANCOIS"));
        Assert.Equal("88f705da0f28a687a8e4eacfd4151e99", MapToHex("unicode_loose_md5", VindexValueKind.Bytes, "Ren\u00e9e Fran\u00e7ois"));
    }

    // Vitess TestInvalidUnicodeNormalization's inputs: invalid UTF-8 is an error, not a destination.
    [Theory]
    [InlineData("99eb9d18a4478404 5d87f3c67cf22746")]
    [InlineData("448615bbda08313f 6a8eb668d20bf505")]
    [InlineData("ed a0 80")] // an encoded surrogate
    public void TryMap_InvalidUtf8_Throws(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        var ex = Assert.Throws<FormatException>(() => VindexRegistry.Get("unicode_loose_md5").TryMap(new VindexValue(VindexValueKind.Bytes, bytes), out _));
        Assert.Contains("invalid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u4e2d\u6587")] // CJK
    [InlineData("caf\u00e9 \U0001F600")] // emoji
    [InlineData("\u05e9\u05dc\u05d5\u05dd")] // Hebrew
    public void TryMap_UncoveredCodePoint_ThrowsNotSupported(string input)
    {
        var ex = Assert.Throws<NotSupportedException>(() => MapToHex("unicode_loose_md5", VindexValueKind.Bytes, input));
        Assert.Contains("U+", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x41, true)]
    [InlineData(0x0416, true)]
    [InlineData(0x1EA0, true)]
    [InlineData(0x20AC, true)]
    [InlineData(0x4E2D, false)]
    [InlineData(0x1F600, false)]
    public void IsSupported_ReportsCoverage(int codePoint, bool expected) =>
        Assert.Equal(expected, UnicodeLooseWeights.IsSupported(codePoint));
}
