using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>
/// Test-only vindexes and key ranges, so filter tests don't depend on the real hash vindexes:
/// <c>numeric</c> (keyspace id = big-endian uint64 of the value, signed values two's complement),
/// <c>region_vdx</c> (two columns: one byte of the region, then the numeric id), and a non-unique <c>lookup</c>.
/// </summary>
internal sealed class FakeVindexResolver : IVindexResolver
{
    public bool TryResolve(string name, [NotNullWhen(true)] out IKeyspaceIdFunction? function)
    {
        function = name switch
        {
            "numeric" or "ks.numeric" => new FakeNumericVindex(),
            "region_vdx" => new FakeRegionVindex(),
            "lookup" => new FakeLookupVindex(),
            _ => null,
        };
        return function is not null;
    }
}

internal sealed class FakeNumericVindex : IKeyspaceIdFunction
{
    public bool IsUnique => true;

    public bool TryMap(ReadOnlySpan<VindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        if (values.Length != 1 || !TryReadUInt64(values[0], out var number))
        {
            return false;
        }

        keyspaceId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(keyspaceId, number);
        return true;
    }

    internal static bool TryReadUInt64(VindexValue value, out ulong number)
    {
        number = 0;
        if (value.IsNull)
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(value.Text.Span);
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed))
        {
            number = unchecked((ulong)signed);
            return true;
        }

        return false;
    }
}

internal sealed class FakeRegionVindex : IKeyspaceIdFunction
{
    public bool IsUnique => true;

    public bool TryMap(ReadOnlySpan<VindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        if (values.Length != 2 || !FakeNumericVindex.TryReadUInt64(values[0], out var region) || !FakeNumericVindex.TryReadUInt64(values[1], out var id))
        {
            return false;
        }

        keyspaceId = new byte[9];
        keyspaceId[0] = (byte)region;
        BinaryPrimitives.WriteUInt64BigEndian(keyspaceId.AsSpan(1), id);
        return true;
    }
}

internal sealed class FakeLookupVindex : IKeyspaceIdFunction
{
    public bool IsUnique => false;

    public bool TryMap(ReadOnlySpan<VindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        return false;
    }
}

/// <summary>Vitess <c>key.ParseShardingSpec</c> semantics, for tests.</summary>
internal sealed class FakeKeyRangeParser : IKeyRangeParser
{
    public IReadOnlyList<IKeyRangeMatcher> ParseShardingSpec(string spec)
    {
        var parts = spec.Split('-');
        if (parts.Length == 1)
        {
            throw new FormatException($"malformed spec: doesn't define a range: \"{spec}\"");
        }

        var bounds = parts.Select(p => p.Length % 2 == 0 ? Convert.FromHexString(p) : throw new FormatException($"malformed spec: bad hex: {p}")).ToArray();
        var ranges = new List<IKeyRangeMatcher>();
        for (var i = 0; i < bounds.Length - 1; i++)
        {
            ranges.Add(new FakeKeyRange(bounds[i], bounds[i + 1]));
        }

        return ranges;
    }
}

internal sealed class FakeKeyRange(byte[] start, byte[] end) : IKeyRangeMatcher
{
    public bool Contains(ReadOnlySpan<byte> keyspaceId)
    {
        var id = keyspaceId.TrimEnd((byte)0);
        var low = start.AsSpan().TrimEnd((byte)0);
        var high = end.AsSpan().TrimEnd((byte)0);
        return (low.IsEmpty || id.SequenceCompareTo(low) >= 0) && (high.IsEmpty || id.SequenceCompareTo(high) < 0);
    }
}
