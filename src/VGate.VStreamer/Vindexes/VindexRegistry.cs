using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// The functional one-column vindex types that take no parameters, by their Vitess type name (case-sensitive, as in
/// Vitess). Types with parameters or several columns are built by <see cref="VindexFactory"/>.
/// </summary>
public static class VindexRegistry
{
    private static readonly FrozenDictionary<string, IVindex> Vindexes = new IVindex[]
    {
        new HashVindex(),
        new XxHashVindex(),
        new NumericVindex(),
        new BinaryVindex(),
        new BinaryMd5Vindex(),
        new UnicodeLooseMd5Vindex(),
        new UnicodeLooseXxHashVindex(),
        new ReverseBitsVindex(),
    }.ToFrozenDictionary(vindex => vindex.Name, StringComparer.Ordinal);

    /// <summary>The known type names in ordinal order.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = [.. Vindexes.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Looks up a vindex type.</summary>
    public static bool TryGet([NotNullWhen(true)] string? typeName, [NotNullWhen(true)] out IVindex? vindex)
    {
        if (typeName is null)
        {
            vindex = null;
            return false;
        }

        return Vindexes.TryGetValue(typeName, out vindex);
    }

    /// <summary>Returns the vindex for <paramref name="typeName"/>.</summary>
    /// <exception cref="ArgumentException">The type is unknown; the message lists the known types.</exception>
    public static IVindex Get(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return TryGet(typeName, out var vindex)
            ? vindex
            : throw new ArgumentException(
                $"Unknown vindex type \"{typeName}\"; known types: {string.Join(", ", KnownTypes)}.", nameof(typeName));
    }
}
