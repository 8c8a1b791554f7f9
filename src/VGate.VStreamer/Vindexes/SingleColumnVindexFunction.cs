using System.Diagnostics.CodeAnalysis;
using VGate.VStreamer.Filtering;
using FilterVindexValue = VGate.VStreamer.Filtering.VindexValue;

namespace VGate.VStreamer.Vindexes;

/// <summary>A one-column <see cref="IVindex"/> as filters use it: exactly one value in, or no destination.</summary>
internal sealed class SingleColumnVindexFunction(IVindex vindex) : IKeyspaceIdFunction
{
    public IVindex Vindex => vindex;

    public bool IsUnique => vindex.IsUnique;

    /// <summary>The vindex view of a filter value.</summary>
    public static VindexValue Convert(in FilterVindexValue value) => value.IsNull
        ? VindexValue.Null
        : new VindexValue(value.Kind switch
        {
            ColumnKind.SignedInteger => VindexValueKind.Signed,
            ColumnKind.UnsignedInteger => VindexValueKind.Unsigned,
            _ => VindexValueKind.Bytes,
        }, value.Text.Span);

    public bool TryMap(ReadOnlySpan<FilterVindexValue> values, [NotNullWhen(true)] out byte[]? keyspaceId)
    {
        keyspaceId = null;
        if (values.Length != 1)
            return false;
        try
        {
            return vindex.TryMap(Convert(values[0]), out keyspaceId) && keyspaceId is not null;
        }
        catch (FormatException ex)
        {
            // unicode_loose_* on invalid UTF-8: an error in Vitess too, which fails the stream with INVALID_ARGUMENT.
            throw VStreamFilterException.Create(ex.Message, innerException: ex);
        }
    }
}
