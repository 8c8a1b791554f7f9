using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// The compiled expressions of <c>/regex</c> filter rules, shared by every stream in the process. Building a
/// non-backtracking <see cref="Regex"/> costs about a millisecond of CPU, which made a filter of 3,000 regular-expression
/// rules cost seconds per shard stream (and again at every reconnect); matching is thread-safe, so one instance per
/// pattern serves all. Bounded: past <see cref="Capacity"/> patterns the cache is emptied and refilled.
/// </summary>
public static class FilterRegexCache
{
    /// <summary>How many patterns are kept at most.</summary>
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The expression of a rule's match (without its slashes), with the options of <see cref="FilterRules"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The pattern does not compile (the message says why).</exception>
    /// <exception cref="NotSupportedException">The pattern needs backtracking (backreferences, lookaround).</exception>
    public static Regex Get(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (Cache.TryGetValue(pattern, out var cached))
            return cached;
        var regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        if (Cache.Count >= Capacity)
            Cache.Clear();
        Cache.TryAdd(pattern, regex);
        return regex;
    }
}
