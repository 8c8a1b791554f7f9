using VGate.MySql.Binlog.Rows;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// A column value as a vindex sees it: its kind and the bytes VGate holds for it, the MySQL text form
/// (<see cref="ColumnValueDecoder.WriteText"/>): integers as decimal ASCII, strings and binary as raw bytes.
/// </summary>
/// <remarks>The bytes are borrowed; vindexes do not keep them.</remarks>
public readonly ref struct VindexValue
{
    /// <summary>Creates a value of <paramref name="kind"/> over <paramref name="text"/>.</summary>
    public VindexValue(VindexValueKind kind, ReadOnlySpan<byte> text)
    {
        Kind = kind;
        Text = kind == VindexValueKind.Null ? default : text;
    }

    /// <summary>SQL NULL.</summary>
    public static VindexValue Null => default;

    /// <summary>How to read <see cref="Text"/>.</summary>
    public VindexValueKind Kind { get; }

    /// <summary>The value's text-form bytes (empty for NULL).</summary>
    public ReadOnlySpan<byte> Text { get; }

    /// <summary>True for SQL NULL.</summary>
    public bool IsNull => Kind == VindexValueKind.Null;

    /// <summary>
    /// Wraps the text form of a non-NULL cell of a column of <paramref name="kind"/> (from
    /// <see cref="ColumnValueDecoder.GetValueKind"/>): integers become <see cref="VindexValueKind.Signed"/> or
    /// <see cref="VindexValueKind.Unsigned"/>, the NULL column type becomes <see cref="Null"/>, everything else
    /// <see cref="VindexValueKind.Bytes"/>. For a NULL cell use <see cref="Null"/>.
    /// </summary>
    public static VindexValue FromColumn(ValueKind kind, ReadOnlySpan<byte> text) => kind switch
    {
        ValueKind.Null => Null,
        ValueKind.Integer => new VindexValue(VindexValueKind.Signed, text),
        ValueKind.UnsignedInteger => new VindexValue(VindexValueKind.Unsigned, text),
        _ => new VindexValue(VindexValueKind.Bytes, text),
    };
}
