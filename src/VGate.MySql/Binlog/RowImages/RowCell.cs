namespace VGate.MySql.Binlog.RowImages;

/// <summary>
/// Where one present column's value sits in a row image.
/// </summary>
/// <param name="ColumnIndex">Index of the column in the table (and in <see cref="Events.TableMapEvent.Columns"/>).</param>
/// <param name="Offset">Offset of the cell from the start of <see cref="Events.RowsEvent.Rows"/>.</param>
/// <param name="Length">Length of the cell in bytes, length prefix included; 0 for NULL.</param>
/// <param name="IsNull">True when the image's null bitmap marks the column NULL.</param>
/// <param name="IsPartialJson">
/// True for a JSON column of a PARTIAL_UPDATE_ROWS after image whose partial bit is set: the cell holds a JSON diff
/// (length prefix, then a list of operation, path, value) rather than a whole JSON document.
/// </param>
public readonly record struct RowCell(int ColumnIndex, int Offset, int Length, bool IsNull, bool IsPartialJson);
