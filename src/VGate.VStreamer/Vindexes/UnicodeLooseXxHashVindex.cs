using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>unicode_loose_xxhash</c> (<c>go/vt/vtgate/vindexes/unicodeloosexxhash.go</c>): XXH64 (seed 0,
/// little-endian) of the same collation key as <see cref="UnicodeLooseMd5Vindex"/>.
/// </summary>
internal sealed class UnicodeLooseXxHashVindex : IVindex
{
    public const string TypeName = "unicode_loose_xxhash";

    public string Name => TypeName;

    public bool IsUnique => true;

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = XxHashVindex.Hash(UnicodeLooseWeights.GetKey(value.Text));
        return true;
    }
}
