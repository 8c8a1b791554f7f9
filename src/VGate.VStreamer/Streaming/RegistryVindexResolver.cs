using System.Diagnostics.CodeAnalysis;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.KeyRanges;
using VGate.VStreamer.Vindexes;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// Connects filter plans to the vindex implementations, as Vitess's <c>localVSchema.FindOrCreateVindex</c>: a name is
/// first a vindex declared in the keyspace's VSchema (<see cref="ShardStreamerOptions.Vindexes"/>; <c>region_vdx</c>, or
/// qualified <c>ks.region_vdx</c>), else a vindex type of <see cref="VindexRegistry"/> without parameters (<c>hash</c>,
/// <c>ks.hash</c>). Key-range specs parse with <see cref="KeyRange"/>.
/// </summary>
internal sealed class RegistryVindexResolver : IVindexResolver, IKeyRangeParser
{
    private readonly IReadOnlyDictionary<string, IKeyspaceIdFunction> _declared;

    public RegistryVindexResolver(IReadOnlyDictionary<string, IKeyspaceIdFunction>? declared = null)
    {
        _declared = declared ?? new Dictionary<string, IKeyspaceIdFunction>();
    }

    public static RegistryVindexResolver Instance { get; } = new();

    public bool TryResolve(string name, [NotNullWhen(true)] out IKeyspaceIdFunction? function)
    {
        var dot = name.LastIndexOf('.');
        var bareName = dot >= 0 ? name[(dot + 1)..] : name;
        if (_declared.TryGetValue(bareName, out function))
            return true;
        if (VindexRegistry.TryGet(bareName, out var vindex))
        {
            function = new SingleColumnVindexFunction(vindex);
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
}
