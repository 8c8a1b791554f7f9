namespace VGate.VStreamer.Filtering;

/// <summary>One <c>binlogdata.Rule</c>.</summary>
/// <param name="Match">
/// An exact, case-sensitive table name, or a regular expression when it starts with '/': every leading and trailing
/// '/' is trimmed and the rest matches anywhere in the name (unanchored; <c>/.*</c> is every table).
/// </param>
/// <param name="Filter">
/// For an exact match: a select statement. For a regular expression: "" (all rows and columns) or a key range such
/// as <c>-80</c> tested against the table's primary vindex.
/// </param>
public sealed record FilterRule(string Match, string Filter = "")
{
    /// <summary>True when <see cref="Match"/> is a regular expression.</summary>
    public bool IsRegex => Match.StartsWith('/');
}
