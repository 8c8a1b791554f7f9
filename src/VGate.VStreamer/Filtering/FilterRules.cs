using System.Text.RegularExpressions;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// The ordered rules of a <c>binlogdata.Filter</c>. The first rule that matches a table wins.
/// </summary>
/// <remarks>
/// Regular expressions use .NET's non-backtracking engine, the closest to Go's RE2: linear time, no
/// backreferences or lookaround. Matching is unanchored and case-sensitive; exact names are compared ordinally.
/// </remarks>
public sealed class FilterRules
{
    private readonly Regex?[] _regexes;
    private readonly string?[] _regexErrors;

    /// <summary>Creates the rule set. Invalid regular expressions are reported when a table reaches them.</summary>
    public FilterRules(IEnumerable<FilterRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules.ToArray();
        _regexes = new Regex?[Rules.Count];
        _regexErrors = new string?[Rules.Count];
        for (var i = 0; i < Rules.Count; i++)
        {
            if (!Rules[i].IsRegex)
            {
                continue;
            }

            try
            {
                _regexes[i] = FilterRegexCache.Get(Rules[i].Match.Trim('/'));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                _regexErrors[i] = e.Message;
            }
        }
    }

    /// <summary>The server default when a request has no filter: every table, all rows (<c>/.*</c>).</summary>
    public static FilterRules All { get; } = new([new FilterRule("/.*")]);

    /// <summary>The rules in order.</summary>
    public IReadOnlyList<FilterRule> Rules { get; }

    /// <summary>
    /// The first rule matching <paramref name="tableName"/>, or null.
    /// </summary>
    /// <exception cref="VStreamFilterException">
    /// A regular-expression rule tried before a match is invalid ("error parsing regexp: …").
    /// </exception>
    public FilterRule? FindRule(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            if (!rule.IsRegex)
            {
                if (string.Equals(rule.Match, tableName, StringComparison.Ordinal))
                {
                    return rule;
                }

                continue;
            }

            if (_regexErrors[i] is { } error)
            {
                throw VStreamFilterException.Create($"error parsing regexp: {error}", rule.Match);
            }

            if (_regexes[i]!.IsMatch(tableName))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>
    /// True when some rule matches <paramref name="tableName"/> (for DDL routing); an invalid regular expression
    /// counts as no match, as in Vitess's <c>ruleMatches</c>.
    /// </summary>
    public bool Matches(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            if (rule.IsRegex ? _regexes[i]?.IsMatch(tableName) == true : string.Equals(rule.Match, tableName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
