using System.Globalization;
using System.Text;
using VGate.VStreamer.Vindexes;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The keyspace id of a row under Vitess's <c>hash</c> vindex (vstream-spec §3), which the writers use to route each
/// row to the shard whose key range holds it, as a Vitess application would. Computed with VGate's registered
/// vindex; <see cref="Of"/> checks it against two of the spec's vectors once, so routing cannot silently drift.
/// </summary>
internal static class HashKeyspaceId
{
    private static readonly IVindex Hash = CheckedHash();

    public static byte[] Of(long id)
    {
        var text = Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture));
        return Hash.TryMap(new VindexValue(VindexValueKind.Signed, text), out var keyspaceId)
            ? keyspaceId
            : throw new InvalidOperationException($"the hash vindex maps no keyspace id for {id}");
    }

    private static IVindex CheckedHash()
    {
        var hash = VindexRegistry.Get("hash");
        foreach (var (id, expected) in new[] { (1L, "166b40b44aba4bd6"), (4L, "d2fd8867d50d2dfe") })
        {
            if (!hash.TryMap(new VindexValue(VindexValueKind.Signed, Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture))), out var ksid)
                || Convert.ToHexStringLower(ksid) != expected)
            {
                throw new InvalidOperationException($"the hash vindex does not match vstream-spec §3 for id {id}");
            }
        }
        return hash;
    }
}
