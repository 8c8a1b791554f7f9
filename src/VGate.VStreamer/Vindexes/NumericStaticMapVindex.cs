using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Vitess <c>numeric_static_map</c> (<c>go/vt/vtgate/vindexes/numeric_static_map.go</c>): like <c>numeric</c> (the value
/// as a big-endian uint64), but a value listed in a JSON object of <c>"id": keyspace-id number</c> pairs maps to its
/// listed number instead; with <c>fallback_type</c>, an unlisted value maps through that vindex type (e.g. <c>hash</c>).
/// Values that Vitess's <c>ToUint64</c> rejects have no destination, even with a fallback.
/// </summary>
internal sealed class NumericStaticMapVindex : IVindex
{
    public const string TypeName = "numeric_static_map";

    private readonly FrozenDictionary<ulong, ulong> _lookup;
    private readonly IVindex? _fallback;

    public NumericStaticMapVindex(FrozenDictionary<ulong, ulong> lookup, IVindex? fallback)
    {
        _lookup = lookup;
        _fallback = fallback;
    }

    public string Name => TypeName;

    public bool IsUnique => true;

    /// <summary>
    /// Reads the lookup table as Go's <c>json.Unmarshal</c> into <c>map[string]uint64</c> and
    /// <c>strconv.ParseUint(key, 10, 64)</c> do: an object whose keys are decimal integers and whose values are
    /// non-negative integers up to 2^64−1.
    /// </summary>
    /// <exception cref="FormatException">The JSON is not such an object; the message says where.</exception>
    public static FrozenDictionary<ulong, ulong> ParseLookupTable(ReadOnlySpan<byte> json)
    {
        var table = new Dictionary<ulong, ulong>();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new FormatException("the lookup table must be a JSON object of \"id\": keyspace-id pairs");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!VindexIntegers.TryParseUInt64(System.Text.Encoding.UTF8.GetBytes(key), out var id))
                    throw new FormatException($"key \"{key}\" is not an unsigned decimal integer (strconv.ParseUint)");
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var keyspaceId))
                {
                    throw new FormatException(
                        $"the value of \"{key}\" must be an integer between 0 and 18446744073709551615");
                }

                table[id] = keyspaceId;
            }

            if (reader.TokenType != JsonTokenType.EndObject)
                throw new FormatException("the lookup table must be a JSON object of \"id\": keyspace-id pairs");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"invalid JSON: {ex.Message}", ex);
        }

        return table.ToFrozenDictionary();
    }

    public bool TryMap(VindexValue value, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        if (!VindexIntegers.TryToUInt64(value, out var id))
        {
            keyspaceId = null;
            return false;
        }

        if (_lookup.TryGetValue(id, out var mapped))
        {
            id = mapped;
        }
        else if (_fallback is not null)
        {
            return _fallback.TryMap(value, out keyspaceId);
        }

        keyspaceId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(keyspaceId, id);
        return true;
    }
}
