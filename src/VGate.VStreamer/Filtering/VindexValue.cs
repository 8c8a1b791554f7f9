namespace VGate.VStreamer.Filtering;

/// <summary>One vindex input: a column value in MySQL text form, with its kind.</summary>
public readonly struct VindexValue
{
    /// <summary>Creates a value.</summary>
    /// <param name="kind">How the column's text is to be read.</param>
    /// <param name="text">The MySQL text value; empty when <paramref name="isNull"/>.</param>
    /// <param name="isNull">The value is SQL NULL.</param>
    public VindexValue(ColumnKind kind, ReadOnlyMemory<byte> text, bool isNull)
    {
        Kind = kind;
        Text = text;
        IsNull = isNull;
    }

    /// <summary>How the text is to be read (an integer vindex parses signed or unsigned decimal text).</summary>
    public ColumnKind Kind { get; }

    /// <summary>The value in MySQL text form (decimal ASCII for integers, raw bytes for strings).</summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The value is SQL NULL.</summary>
    public bool IsNull { get; }
}
