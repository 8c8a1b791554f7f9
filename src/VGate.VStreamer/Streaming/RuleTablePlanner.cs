using System.Text.RegularExpressions;
using Binlogdata;
using VGate.MySql.Binlog.Events;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// Applies <c>binlogdata.Filter</c> rules to tables: the first rule whose <c>match</c> fits the table name wins
/// (an exact, case-sensitive name, or <c>/regex</c> matched anywhere in the name). A null filter streams every table.
/// </summary>
internal sealed class RuleTablePlanner : ITablePlanner
{
    private readonly IReadOnlyList<(Rule Rule, Regex? Pattern)> _rules;

    public RuleTablePlanner(Filter? filter)
    {
        _rules = filter is null || filter.Rules.Count == 0
            ? [(new Rule { Match = "/.*" }, new Regex(".*", RegexOptions.CultureInvariant))]
            : filter.Rules.Select(r => (r, CompilePattern(r.Match))).ToList();
    }

    public bool Matches(string table) => FindRule(table) is not null;

    public StreamTablePlan? Plan(string table, TableMapEvent tableMap)
    {
        if (FindRule(table) is not { } rule)
            return null;
        var filter = rule.Filter.Trim();
        if (filter.Length == 0 || IsSelectAll(filter, table))
            return new StreamTablePlan([], null, IsSharded: false);
        throw VStreamException.InvalidArgument($"unsupported filter for table {table}: '{rule.Filter}'");
    }

    private Rule? FindRule(string table)
    {
        if (table == "dual")
            return null;
        foreach (var (rule, pattern) in _rules)
        {
            if (pattern is null ? string.Equals(rule.Match, table, StringComparison.Ordinal) : pattern.IsMatch(table))
                return rule;
        }
        return null;
    }

    private static bool IsSelectAll(string filter, string table)
    {
        var normalized = Regex.Replace(filter, @"\s+", " ", RegexOptions.CultureInvariant).Trim().TrimEnd(';');
        return normalized.Equals($"select * from {table}", StringComparison.OrdinalIgnoreCase) ||
            normalized.Equals($"select * from `{table}`", StringComparison.OrdinalIgnoreCase);
    }

    private static Regex? CompilePattern(string match)
    {
        if (!match.StartsWith('/'))
            return null;
        var expression = match.Trim('/');
        try
        {
            return new Regex(expression, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw VStreamException.InvalidArgument($"invalid table regex '{match}': {ex.Message}", ex);
        }
    }
}
