using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using VGate.VStreamer.Filtering;
using FilterVindexValue = VGate.VStreamer.Filtering.VindexValue;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>region_json</c> (<c>go/vt/vtgate/vindexes/region_json.go</c>): a two-column vindex whose keyspace id is
/// the region prefix (as <see cref="RegionExperimentalVindex"/>) of the second column looked up in a JSON object of
/// <c>"country": region number</c> pairs (<c>region_map</c>), followed by the <c>hash</c> of the first column.
/// </summary>
/// <remarks>As in Vitess, the first column is the hashed id and the second the looked-up name; a name not in the map has no keyspace id.</remarks>
internal sealed class RegionJsonVindex(FrozenDictionary<string, ulong> regions, int regionBytes) : IKeyspaceIdFunction
{
    public const string TypeName = "region_json";

    public bool IsUnique => true;

    /// <summary>Reads the region map as Go's <c>json.Unmarshal</c> into <c>map[string]uint64</c>.</summary>
    /// <exception cref="FormatException">The JSON is not such an object.</exception>
    public static FrozenDictionary<string, ulong> ParseRegionMap(ReadOnlySpan<byte> json)
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new FormatException("the region map must be a JSON object of \"name\": region-number pairs");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var region))
                    throw new FormatException($"the region of \"{name}\" must be an integer between 0 and 18446744073709551615");
                map[name] = region;
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"invalid JSON: {ex.Message}", ex);
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryMap(ReadOnlySpan<FilterVindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        if (values.Length != 2 || !VindexIntegers.TryToUInt64(SingleColumnVindexFunction.Convert(values[0]), out var id))
            return false;
        // Go's Value.ToString of NULL is "", which a map may list.
        var name = values[1].IsNull ? "" : Encoding.UTF8.GetString(values[1].Text.Span);
        if (!regions.TryGetValue(name, out var region))
            return false;
        keyspaceId = [.. RegionExperimentalVindex.RegionPrefix(region, regionBytes), .. HashVindex.Hash(id)];
        return true;
    }
}
