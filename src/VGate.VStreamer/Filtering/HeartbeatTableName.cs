namespace VGate.VStreamer.Filtering;

/// <summary>
/// The name of the table whose rows a stream with <c>VStreamFlags.stream_keyspace_heartbeats</c> delivers as table
/// <c>heartbeat</c> of the keyspace: <c>database.table</c> as it is on the sources (Vitess: <c>_vt.heartbeat</c>, written by
/// every primary tablet; pt-heartbeat: the table it was told to write).
/// </summary>
/// <param name="Database">The database (schema) that holds the table.</param>
/// <param name="Table">The table.</param>
public sealed record HeartbeatTableName(string Database, string Table)
{
    /// <summary>Vitess's sidecar table, the default.</summary>
    public const string Default = "_vt.heartbeat";

    /// <summary>The name the table's FIELD and ROW events carry (Vitess's vstreamer names the sidecar table so).</summary>
    public const string StreamedName = "heartbeat";

    /// <summary>
    /// Reads <c>database.table</c> (one dot, both parts non-empty, no backquotes); null with <paramref name="error"/> set
    /// otherwise.
    /// </summary>
    public static HeartbeatTableName? TryParse(string? text, out string error)
    {
        error = "";
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (text is null || dot <= 0 || dot == text.Length - 1 || text.IndexOf('.', dot + 1) >= 0 || text.Contains('`', StringComparison.Ordinal)
            || text.Trim().Length != text.Length)
        {
            error = $"'{text}' is not a database-qualified table name (database.table, e.g. {Default})";
            return null;
        }
        return new HeartbeatTableName(text[..dot], text[(dot + 1)..]);
    }

    /// <summary>Reads <c>database.table</c>; throws <see cref="FormatException"/> when it is not one.</summary>
    public static HeartbeatTableName Parse(string text) => TryParse(text, out var error) ?? throw new FormatException(error);

    /// <inheritdoc />
    public override string ToString() => $"{Database}.{Table}";
}
