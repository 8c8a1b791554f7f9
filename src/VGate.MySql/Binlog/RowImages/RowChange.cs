namespace VGate.MySql.Binlog.RowImages;

/// <summary>
/// One row of a ROWS event: the before image (updates and deletes) and the after image (inserts and updates).
/// Valid only until the enumerator moves to the next row.
/// </summary>
public readonly ref struct RowChange
{
    internal RowChange(int index, RowImage before, RowImage after)
    {
        Index = index;
        Before = before;
        After = after;
    }

    /// <summary>Zero-based position of the row in the event.</summary>
    public int Index { get; }

    /// <summary>The row before the change; <see cref="RowImage.IsPresent"/> is false for inserts.</summary>
    public RowImage Before { get; }

    /// <summary>The row after the change; <see cref="RowImage.IsPresent"/> is false for deletes.</summary>
    public RowImage After { get; }
}
