namespace VGate.VStreamer.Schema;

/// <summary>
/// One column as <c>information_schema.COLUMNS</c> describes it now. Used to enrich what the binlog's TABLE_MAP
/// says (exact <c>column_type</c> text, key and auto-increment flags) when the two still agree.
/// </summary>
/// <param name="Name">COLUMN_NAME.</param>
/// <param name="DataType">DATA_TYPE, lower case (<c>int</c>, <c>varchar</c>, …).</param>
/// <param name="ColumnType">COLUMN_TYPE (<c>int(11) unsigned</c>, <c>enum('a','b')</c>, …).</param>
/// <param name="ColumnKey">COLUMN_KEY: <c>PRI</c>, <c>UNI</c>, <c>MUL</c> or empty.</param>
/// <param name="Extra">EXTRA (<c>auto_increment</c>, <c>on update current_timestamp()</c>, …), lower case.</param>
/// <param name="HasDefault">True when COLUMN_DEFAULT is not NULL (or the column is nullable, which defaults to NULL).</param>
/// <param name="DefaultIsNow">True when COLUMN_DEFAULT is <c>CURRENT_TIMESTAMP</c> (MySQL) / <c>current_timestamp()</c> (MariaDB).</param>
internal sealed record CatalogColumn(string Name, string DataType, string ColumnType, string ColumnKey, string Extra, bool HasDefault, bool DefaultIsNow = false);
