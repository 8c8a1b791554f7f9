namespace VGate.Cli.Output;

/// <summary>
/// A column value of a row event could not be written as JSON. The message names the event (file and position),
/// the table and the column; <c>vgate binlog</c> stops with exit status 3 after printing every event before it.
/// </summary>
internal sealed class ValueRenderException : Exception
{
    private ValueRenderException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public static ValueRenderException Create(string eventType, string? file, long position, string database, string table, string column, string columnType, Exception inner) =>
        new($"cannot print column '{column}' ({columnType}) of {database}.{table} in the {eventType} event" +
            (string.IsNullOrEmpty(file) ? "" : $" ending at {file}:{position}") + $": {inner.Message}", inner);
}
