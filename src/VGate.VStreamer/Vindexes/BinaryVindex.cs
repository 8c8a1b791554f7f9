using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>binary</c> (<c>go/vt/vtgate/vindexes/binary.go</c>): the value's bytes are the keyspace id.
/// NULL maps to the empty keyspace id, as in Vitess.
/// </summary>
internal sealed class BinaryVindex : IVindex
{
    public const string TypeName = "binary";

    public string Name => TypeName;

    public bool IsUnique => true;

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = value.Text.ToArray();
        return true;
    }
}
