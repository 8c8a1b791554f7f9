namespace VGate.VStreamer.Filtering;

/// <summary>
/// One row image as the filter reads it: per column, the MySQL text value (spec §2.9) or NULL, in table column order.
/// </summary>
/// <remarks>Adapt the decoded row type to this; <see cref="RowValues"/> is a simple implementation.</remarks>
public interface IRowValues
{
    /// <summary>The number of columns.</summary>
    int Count { get; }

    /// <summary>True when the column is SQL NULL.</summary>
    bool IsNull(int column);

    /// <summary>The column's text value; empty for NULL. Only read during the call that received the row.</summary>
    ReadOnlyMemory<byte> GetValue(int column);
}
