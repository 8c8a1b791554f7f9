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

    // Vitess's own golden hashes (go/vt/vtgate/vindexes/testdata/unicode_hash_golden.json, read by TestUnicodeHash in
    // unicode_hash_test.go): the Wikipedia article on Albert Einstein in many languages, hashed by Vitess's collator. The
    // Hebrew, Persian, Korean, Greek, Russian and Sinhala cases, copied unchanged (Input, XXHash, MD5 as base64) into
    // TestData/unicode_hash_golden_subset.json.
    [Fact]
    public void TryMap_VitessGoldenHashes()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vindexes", "TestData", "unicode_hash_golden_subset.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
        var languages = new List<string>();
        foreach (var golden in document.RootElement.EnumerateArray())
        {
            var language = golden.GetProperty("Language").GetString()!;
            var input = golden.GetProperty("Input").GetBytesFromBase64();
            Assert.True(Convert.ToHexStringLower(golden.GetProperty("MD5").GetBytesFromBase64()) == MapToHex("unicode_loose_md5", VindexValueKind.Bytes, input), $"md5 of {language}");
            Assert.True(Convert.ToHexStringLower(golden.GetProperty("XXHash").GetBytesFromBase64()) == MapToHex("unicode_loose_xxhash", VindexValueKind.Bytes, input), $"xxhash of {language}");
            languages.Add(language);
        }

        Assert.Equal(["he", "fa", "ko", "el", "ru", "si"], languages);
    }

    // Strings drawn from every character class (Latin, Greek/Cyrillic, combining marks, contraction starters,
    // Arabic/Hebrew, Indic/Thai, CJK, Hangul, kana/fullwidth, emoji and symbols, supplementary planes, any BMP code
    // point), every contraction alone and with a combining mark inside it, keyed and hashed by
    // golang.org/x/text/collate itself (UnicodeLooseVectors.g.cs; see tools/UnicodeLooseWeightsGenerator).
    [Fact]
    public void GetKey_MatchesGoCollatorOnGeneratedVectors()
    {
        var failures = new List<string>();
        foreach (var (@class, input, key, md5) in UnicodeLooseVectors.Cases)
        {
            var bytes = Encoding.UTF8.GetBytes(input);
            var actual = Convert.ToHexStringLower(UnicodeLooseWeights.GetKey(bytes));
            if (actual != key)
                failures.Add($"{@class} {string.Join(" ", input.EnumerateRunes().Select(r => $"U+{r.Value:X4}"))}: {actual} != {key}");
            else
                Assert.Equal(md5, MapToHex("unicode_loose_md5", VindexValueKind.Bytes, bytes));
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {UnicodeLooseVectors.Cases.Length} differ:\n{string.Join("\n", failures.Take(30))}");
    }

    [Fact]
    public void GeneratedVectors_CoverEveryClass()
    {
        var classes = UnicodeLooseVectors.Cases.Select(c => c.Class).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "latin", "greek-cyrillic", "combining", "contraction-starter", "arabic-hebrew", "indic-thai", "cjk", "hangul",
                "kana-fullwidth", "emoji-symbols", "supplementary", "contraction", "contraction-gap",
            },
            classes);
    }

    // Implicit weights, from colltab's implicitPrimary (go/mysql/collations/vindex/internal/colltab/collelem.go):
    // CJK Unified/Compatibility + 0x10000, other Ideographic + 0x20000, anything else + 0x50000; above 0x7FFF a weight
    // is 3 bytes with the top bit set. Ideographic is Unicode 15.0.0's (the Go release Vitess builds with), so
    // U+9FFF and U+31350 (added in Unicode 14 and 15) count as ideographs here.
    [Theory]
    [InlineData("\u4e2d", "814e2d")] // 中: 0x4E2D + 0x10000
    [InlineData("\u4e2d\u6587", "814e2d816587")] // 中文
    [InlineData("\u9fff", "819fff")]
    [InlineData("\U00020000", "840000")] // CJK Ext B: 0x20000 + 0x20000
    [InlineData("\U00031350", "851350")] // CJK Ext H (Unicode 15)
    [InlineData("\U0001FAF8", "86faf8")] // unassigned in Unicode 6.2: 0x1FAF8 + 0x50000
    [InlineData("\U0010FFFF", "95ffff")] // a noncharacter: 0x10FFFF + 0x50000
    [InlineData("\uE000", "85e000")] // private use: 0xE000 + 0x50000
    public void GetKey_ImplicitWeights(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(UnicodeLooseWeights.GetKey(Encoding.UTF8.GetBytes(input))));

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
}
