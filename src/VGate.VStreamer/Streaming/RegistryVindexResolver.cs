using System.Diagnostics.CodeAnalysis;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.KeyRanges;
using VGate.VStreamer.Vindexes;
using FilterVindexValue = VGate.VStreamer.Filtering.VindexValue;
using VindexValue = VGate.VStreamer.Vindexes.VindexValue;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// Connects filter plans to the vindex implementations: a vindex named in a filter (<c>hash</c>, or qualified
/// <c>ks.hash</c>) resolves to the vindex type of that name in <see cref="VindexRegistry"/>; key-range specs parse
/// with <see cref="KeyRange"/>. Every registered vindex takes one column.
/// </summary>
internal sealed class RegistryVindexResolver : IVindexResolver, IKeyRangeParser
{
    public static RegistryVindexResolver Instance { get; } = new();

    public bool TryResolve(string name, [NotNullWhen(true)] out IKeyspaceIdFunction? function)
    {
        var dot = name.LastIndexOf('.');
        var typeName = dot >= 0 ? name[(dot + 1)..] : name;
        if (VindexRegistry.TryGet(typeName, out var vindex))
        {
            function = new VindexFunction(vindex);
            return true;
        }
        function = null;
        return false;
    }

    public IReadOnlyList<IKeyRangeMatcher> ParseShardingSpec(string spec) =>
        [.. KeyRange.ParseShardingSpec(spec).Select(range => (IKeyRangeMatcher)new RangeMatcher(range))];

    private sealed class RangeMatcher(KeyRange range) : IKeyRangeMatcher
    {
        public bool Contains(ReadOnlySpan<byte> keyspaceId) => range.Contains(keyspaceId);
    }

    private sealed class VindexFunction(IVindex vindex) : IKeyspaceIdFunction
    {
        public bool IsUnique => vindex.IsUnique;

        public bool TryMap(ReadOnlySpan<FilterVindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
        {
            keyspaceId = null;
            if (values.Length != 1)
                return false;
            var value = values[0];
            var converted = value.IsNull
                ? VindexValue.Null
                : new VindexValue(value.Kind switch
                {
                    ColumnKind.SignedInteger => VindexValueKind.Signed,
                    ColumnKind.UnsignedInteger => VindexValueKind.Unsigned,
                    _ => VindexValueKind.Bytes,
                }, value.Text.Span);
            return vindex.TryMap(converted, out keyspaceId) && keyspaceId is not null;
        }
    }
}
