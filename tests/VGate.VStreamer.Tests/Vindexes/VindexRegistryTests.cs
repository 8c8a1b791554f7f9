using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Vindexes;

namespace VGate.VStreamer.Tests.Vindexes;

public class VindexRegistryTests
{
    [Theory]
    [InlineData("hash")]
    [InlineData("xxhash")]
    [InlineData("numeric")]
    [InlineData("binary")]
    [InlineData("binary_md5")]
    [InlineData("unicode_loose_md5")]
    [InlineData("unicode_loose_xxhash")]
    [InlineData("reverse_bits")]
    public void Get_KnownType_ReturnsUniqueVindexOfThatName(string typeName)
    {
        var vindex = VindexRegistry.Get(typeName);

        Assert.Equal(typeName, vindex.Name);
        Assert.True(vindex.IsUnique);
        Assert.True(VindexRegistry.TryGet(typeName, out var same));
        Assert.Same(vindex, same);
    }

    [Fact]
    public void KnownTypes_ListsAllInOrdinalOrder() =>
        Assert.Equal(
            ["binary", "binary_md5", "hash", "numeric", "reverse_bits", "unicode_loose_md5", "unicode_loose_xxhash", "xxhash"],
            VindexRegistry.KnownTypes);

    [Theory]
    [InlineData("HASH")]
    [InlineData("lookup_hash")]
    [InlineData("")]
    public void Get_UnknownType_ThrowsListingKnownTypes(string typeName)
    {
        var ex = Assert.Throws<ArgumentException>(() => VindexRegistry.Get(typeName));

        Assert.StartsWith(
            $"Unknown vindex type \"{typeName}\"; known types: binary, binary_md5, hash, numeric, reverse_bits, unicode_loose_md5, unicode_loose_xxhash, xxhash.",
            ex.Message,
            StringComparison.Ordinal);
        Assert.False(VindexRegistry.TryGet(typeName, out _));
    }

    [Fact]
    public void TryGet_Null_ReturnsFalse() => Assert.False(VindexRegistry.TryGet(null, out _));

    [Theory]
    [InlineData(ValueKind.Integer, VindexValueKind.Signed)]
    [InlineData(ValueKind.UnsignedInteger, VindexValueKind.Unsigned)]
    [InlineData(ValueKind.Null, VindexValueKind.Null)]
    [InlineData(ValueKind.Text, VindexValueKind.Bytes)]
    [InlineData(ValueKind.Binary, VindexValueKind.Bytes)]
    [InlineData(ValueKind.Decimal, VindexValueKind.Bytes)]
    [InlineData(ValueKind.Float, VindexValueKind.Bytes)]
    public void FromColumn_MapsValueKind(ValueKind kind, VindexValueKind expected)
    {
        var value = VindexValue.FromColumn(kind, "12"u8);

        Assert.Equal(expected, value.Kind);
        Assert.Equal(expected == VindexValueKind.Null ? "" : "12", System.Text.Encoding.ASCII.GetString(value.Text));
    }
}
