using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>binary_md5</c> (<c>go/vt/vtgate/vindexes/binarymd5.go</c>): the 16-byte MD5 of the value's bytes
/// (NULL hashes no bytes). Every value has a destination.
/// </summary>
internal sealed class BinaryMd5Vindex : IVindex
{
    public const string TypeName = "binary_md5";

    public string Name => TypeName;

    public bool IsUnique => true;

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
#pragma warning disable CA5351 // MD5 is the function Vitess defines this vindex with; it is not used for security.
        keyspaceId = MD5.HashData(value.Text);
#pragma warning restore CA5351
        return true;
    }
}
