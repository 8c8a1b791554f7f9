using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>unicode_loose_md5</c> (<c>go/vt/vtgate/vindexes/unicodeloosemd5.go</c>): the MD5 of the value's
/// case-, accent- and width-insensitive collation key (<see cref="UnicodeLooseWeights"/>), trailing spaces ignored.
/// </summary>
/// <remarks>
/// Every valid UTF-8 string maps (CJK, Hangul, Arabic, emoji, unassigned code points: see
/// <see cref="UnicodeLooseWeights"/>). Invalid UTF-8 throws <see cref="FormatException"/> (Vitess fails the mapping
/// with an error too). NULL hashes the empty key.
/// </remarks>
internal sealed class UnicodeLooseMd5Vindex : IVindex
{
    public const string TypeName = "unicode_loose_md5";

    public string Name => TypeName;

    public bool IsUnique => true;

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
#pragma warning disable CA5351 // MD5 is the function Vitess defines this vindex with; it is not used for security.
        keyspaceId = MD5.HashData(UnicodeLooseWeights.GetKey(value.Text));
#pragma warning restore CA5351
        return true;
    }
}
