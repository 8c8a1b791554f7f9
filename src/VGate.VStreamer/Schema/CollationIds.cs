using System.Globalization;
using VGate.MySql;
using VGate.MySql.Protocol;

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
    public static async Task<Dictionary<string, int>> LoadAsync(MySqlProtocolConnection connection, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        await ReadAsync(connection, "SELECT COLLATION_NAME, ID FROM information_schema.COLLATIONS WHERE ID IS NOT NULL", ids, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await ReadAsync(connection, "SELECT FULL_COLLATION_NAME, ID FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY", ids, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (MySqlServerException ex) when (ex.ErrorCode == BadFieldError)
        {
            // MySQL and MariaDB before 10.10: every collation has its own row in COLLATIONS.
        }
        return ids;
    }

    private static async Task ReadAsync(MySqlProtocolConnection connection, string sql, Dictionary<string, int> ids, CancellationToken cancellationToken)
    {
        foreach (var row in await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false))
        {
            if (row[0] is { } name && row[1] is { } id)
                ids[name] = int.Parse(id, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
    }
}
