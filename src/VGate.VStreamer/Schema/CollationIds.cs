using MySqlConnector;

namespace VGate.VStreamer.Schema;

/// <summary>
/// The server's collation ids by name, for columns described from information_schema (whose COLUMNS table names the
/// collation but not its id).
/// </summary>
/// <remarks>
/// <c>information_schema.COLLATIONS</c> alone is not enough on MariaDB 10.10+: its UCA 14.0 collations are listed there
/// once per family with no id (<c>uca1400_ai_ci</c>), while a column names the collation with its character set
/// (<c>utf8mb4_uca1400_ai_ci</c>, the utf8mb4 default from 11.5), whose id is only in
/// <c>COLLATION_CHARACTER_SET_APPLICABILITY.FULL_COLLATION_NAME</c>. That column does not exist on MySQL or older MariaDB.
/// </remarks>
internal static class CollationIds
{
    private const int BadFieldError = 1054;

    /// <summary>Every collation name of the server with its id (ordinal, case-insensitive names).</summary>
    public static async Task<Dictionary<string, int>> LoadAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        await ReadAsync(connection, "SELECT COLLATION_NAME, ID FROM information_schema.COLLATIONS WHERE ID IS NOT NULL", ids, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await ReadAsync(connection, "SELECT FULL_COLLATION_NAME, ID FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY", ids, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (MySqlException ex) when (ex.Number == BadFieldError)
        {
            // MySQL and MariaDB before 10.10: every collation has its own row in COLLATIONS.
        }
        return ids;
    }

    private static async Task ReadAsync(MySqlConnection connection, string sql, Dictionary<string, int> ids, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(0) && !reader.IsDBNull(1))
                ids[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
