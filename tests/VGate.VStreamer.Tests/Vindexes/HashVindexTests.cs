using System.Globalization;
using System.Text;
using VGate.VStreamer.KeyRanges;
using VGate.VStreamer.Vindexes;
using static VGate.VStreamer.Tests.Vindexes.VindexTestValues;

namespace VGate.VStreamer.Tests.Vindexes;

public class HashVindexTests
{
    // vstream-spec.md section 3, the verified hash table: id, keyspace id, shard in a 2-way split.
    [Theory]
    [InlineData("1", "166b40b44aba4bd6", "-80")]
    [InlineData("2", "06e7ea22ce92708f", "-80")]
    [InlineData("3", "4eb190c9a2fa169c", "-80")]
    [InlineData("4", "d2fd8867d50d2dfe", "80-")]
    [InlineData("5", "70bb023c810ca87a", "-80")]
    [InlineData("6", "f098480ac4c4be71", "80-")]
    [InlineData("0", "8ca64de9c1b123a7", "80-")]
    [InlineData("-1", "355550b2150e2451", "-80")]
    [InlineData("9223372036854775807", "f77d48aadda1f1bb", "80-")]
    [InlineData("-9223372036854775808", "95f8a5e5dd31d900", "80-")]
    public void TryMap_SpecVectors_KeyspaceIdAndShard(string id, string keyspaceIdHex, string shard)
    {
        Assert.Equal(keyspaceIdHex, MapToHex("hash", VindexValueKind.Signed, id));

        var keyspaceId = Convert.FromHexString(keyspaceIdHex);
        var shards = KeyRange.ParseShardingSpec("-80-");
        Assert.Equal([shard], shards.Where(s => s.Contains(keyspaceId)).Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("18446744073709551615", "355550b2150e2451")] // 2^64-1 unsigned = -1 signed
    [InlineData("9223372036854775808", "95f8a5e5dd31d900")] // 2^63 unsigned = -2^63 signed
    [InlineData("1", "166b40b44aba4bd6")]
    public void TryMap_Unsigned_SameAsTwosComplement(string id, string expected) =>
        Assert.Equal(expected, MapToHex("hash", VindexValueKind.Unsigned, id));

    // Vitess TestHashMap: vitessio/vitess go/vt/vtgate/vindexes/hash_test.go @ b4b5583ce3c89f236cd2b518a1b5889db2ab5d53
    // ("\x16k@\xb4J\xbaK\xd6" ... ; NULL maps to no destination).
    [Fact]
    public void TryMap_VitessHashTestVectors()
    {
        string?[] expected =
        [
            "166b40b44aba4bd6", "06e7ea22ce92708f", "4eb190c9a2fa169c", null,
            "d2fd8867d50d2dfe", "70bb023c810ca87a", "f098480ac4c4be71",
        ];
        string?[] ids = ["1", "2", "3", null, "4", "5", "6"];

        Assert.Equal(expected, ids.Select(id => MapToHex("hash", VindexValueKind.Signed, id)));
    }

    // Values Vitess's ToUint64 accepts from a non-integer column: "+5" and "007" parse; negatives do not.
    [Theory]
    [InlineData("5", "70bb023c810ca87a")]
    [InlineData("+5", "70bb023c810ca87a")]
    [InlineData("005", "70bb023c810ca87a")]
    [InlineData("18446744073709551615", "355550b2150e2451")]
    [InlineData("-1", null)] // "negative number cannot be converted to unsigned"
    [InlineData("aa", null)] // "could not parse value"
    [InlineData("1.5", null)]
    [InlineData("1e3", null)]
    [InlineData("", null)]
    [InlineData(" 1", null)]
    [InlineData("18446744073709551616", null)]
    public void TryMap_BytesValue_BestEffortInteger(string text, string? expected) =>
        Assert.Equal(expected, MapToHex("hash", VindexValueKind.Bytes, text));

    [Theory]
    [InlineData(VindexValueKind.Signed, "abc")]
    [InlineData(VindexValueKind.Signed, "9223372036854775808")]
    [InlineData(VindexValueKind.Signed, "")]
    [InlineData(VindexValueKind.Unsigned, "-1")]
    [InlineData(VindexValueKind.Unsigned, "+1")]
    [InlineData(VindexValueKind.Unsigned, "18446744073709551616")]
    public void TryMap_UnparsableInteger_NoDestination(VindexValueKind kind, string text) =>
        Assert.Null(MapToHex("hash", kind, text));

    [Fact]
    public void TryMap_Null_NoDestination()
    {
        Assert.False(VindexRegistry.Get("hash").TryMap(VindexValue.Null, out var keyspaceId));
        Assert.Null(keyspaceId);
    }

    // Vitess TestHashReverseMap / TestHashReverseMapNeg.
    [Fact]
    public void TryUnhash_ReversesHash()
    {
        Assert.True(HashVindex.TryUnhash(Convert.FromHexString("166b40b44aba4bd6"), out var id));
        Assert.Equal(1UL, id);
        Assert.False(HashVindex.TryUnhash(Convert.FromHexString("166b40b44aba4bd6166b40b44aba4bd6"), out _));

        var random = new Random(4);
        for (var i = 0; i < 1000; i++)
        {
            var value = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            Assert.True(HashVindex.TryUnhash(HashVindex.Hash(value), out var back));
            Assert.Equal(value, back);
        }
    }

    [Fact]
    public void Hash_MatchesSignedTextPath()
    {
        foreach (var id in new long[] { 0, 1, -1, 42, long.MinValue, long.MaxValue, 1_000_000_007 })
        {
            var text = Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture));
            Assert.True(VindexRegistry.Get("hash").TryMap(new VindexValue(VindexValueKind.Signed, text), out var ksid));
            Assert.Equal(HashVindex.Hash(unchecked((ulong)id)), ksid);
        }
    }
}
