namespace VGate.Server.Auth;

/// <summary>
/// What one user may read: a list of <c>keyspace.table</c> patterns from the users file's <c>Allow</c> list, in the spirit
/// of Vitess table ACLs. A pattern is <c>*</c> (everything), <c>ks.*</c> (every table of a keyspace), <c>ks.table</c>
/// (one table) or <c>*.table</c> (that table in every keyspace). Names are compared ordinally (case-sensitive), as the
/// streamer compares table names.
/// </summary>
internal sealed class AccessRules
{
    private readonly (string Keyspace, string Table)[] _patterns;

    private AccessRules((string Keyspace, string Table)[] patterns, IReadOnlyList<string> text)
    {
        _patterns = patterns;
        Patterns = text;
    }

    /// <summary>Everything (a user without an <c>Allow</c> list, or a client certificate without a users file).</summary>
    public static AccessRules All { get; } = new([("*", "*")], ["*"]);

    /// <summary>The patterns as written.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True when every keyspace and table is allowed.</summary>
    public bool AllowsEverything => _patterns.Any(p => p is ("*", "*"));

    /// <summary>Parses the patterns of one user.</summary>
    /// <exception cref="FormatException">A pattern is not <c>*</c>, <c>ks.*</c>, <c>ks.table</c> or <c>*.table</c>.</exception>
    public static AccessRules Parse(IEnumerable<string> patterns)
    {
        var text = patterns.ToList();
        var parsed = new List<(string, string)>(text.Count);
        foreach (var pattern in text)
        {
            if (pattern == "*")
            {
                parsed.Add(("*", "*"));
                continue;
            }
            var dot = pattern.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == pattern.Length - 1)
                throw new FormatException($"Allow pattern '{pattern}' must be '*', 'keyspace.*', 'keyspace.table' or '*.table'.");
            var keyspace = pattern[..dot];
            var table = pattern[(dot + 1)..];
            if ((keyspace.Contains('*', StringComparison.Ordinal) && keyspace != "*") || (table.Contains('*', StringComparison.Ordinal) && table != "*"))
                throw new FormatException($"Allow pattern '{pattern}': '*' stands only for a whole keyspace or table name.");
            parsed.Add((keyspace, table));
        }
        return new AccessRules([.. parsed], text);
    }

    /// <summary>The union of several users' entries' rules (the mysql layout may list a user more than once).</summary>
    public static AccessRules Union(IReadOnlyList<AccessRules> rules) =>
        rules.Count == 1 ? rules[0] : new AccessRules([.. rules.SelectMany(r => r._patterns).Distinct()], [.. rules.SelectMany(r => r.Patterns).Distinct(StringComparer.Ordinal)]);

    /// <summary>True when the user may read at least one table of <paramref name="keyspace"/> (so may see it listed).</summary>
    public bool CanSeeKeyspace(string keyspace) => _patterns.Any(p => p.Keyspace == "*" || p.Keyspace == keyspace);

    /// <summary>True when the user may read every table of <paramref name="keyspace"/>, present and future.</summary>
    public bool CanReadWholeKeyspace(string keyspace) => _patterns.Any(p => (p.Keyspace == "*" || p.Keyspace == keyspace) && p.Table == "*");

    /// <summary>True when the user may read <paramref name="keyspace"/>.<paramref name="table"/>.</summary>
    public bool CanReadTable(string keyspace, string table) =>
        _patterns.Any(p => (p.Keyspace == "*" || p.Keyspace == keyspace) && (p.Table == "*" || p.Table == table));

    /// <summary>
    /// The tables of <paramref name="keyspace"/> the user may read when that is not the whole keyspace (named one by one),
    /// in a stable order; empty when none.
    /// </summary>
    public IReadOnlyList<string> NamedTables(string keyspace) =>
        [.. _patterns.Where(p => (p.Keyspace == "*" || p.Keyspace == keyspace) && p.Table != "*").Select(p => p.Table).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
