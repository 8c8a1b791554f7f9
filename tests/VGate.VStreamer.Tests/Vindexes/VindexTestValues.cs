using System.Text;
using VGate.VStreamer.Vindexes;

namespace VGate.VStreamer.Tests.Vindexes;

/// <summary>Builds <see cref="VindexValue"/>s from test-table data and maps them.</summary>
internal static class VindexTestValues
{
    /// <summary>Maps <paramref name="text"/> as <paramref name="kind"/> (null text means SQL NULL) and returns hex, or null for no destination.</summary>
    public static string? MapToHex(string typeName, VindexValueKind kind, string? text) =>
        MapToHex(typeName, kind, text is null ? null : Encoding.UTF8.GetBytes(text));

    public static string? MapToHex(string typeName, VindexValueKind kind, byte[]? bytes)
    {
        var vindex = VindexRegistry.Get(typeName);
        var value = bytes is null ? VindexValue.Null : new VindexValue(kind, bytes);
        return vindex.TryMap(value, out var keyspaceId) ? Convert.ToHexStringLower(keyspaceId) : null;
    }
}
