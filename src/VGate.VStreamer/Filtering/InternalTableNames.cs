using System.Text.RegularExpressions;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// Names of the tables Vitess's own operations create next to the user's: Online DDL shadow and cut-over tables
/// (gh-ost <c>_…_gho</c>/<c>_…_ghc</c>/<c>_…_del</c>, <c>_…_new</c>, vreplication <c>_…_vrepl</c>, pt-osc <c>_…_old</c>) and
/// table-GC tables (<c>_vt_HOLD_…</c> and the newer <c>_vt_hld_…_</c>, <c>_vt_evc_…_</c>, …). Vitess's vstreamer ignores
/// their TABLE_MAPs (no FIELD, no ROW) and its table streamer skips them; VGate also leaves them out of the copy phase.
/// DDL on them is still streamed when a rule matches the name, as in Vitess (<c>mustSendDDL</c> does not look at it).
/// </summary>
/// <remarks>
/// The rule is Vitess's <c>schema.IsInternalOperationTableName</c> (go/vt/schema/name.go, tablegc.go, online_ddl.go):
/// the same patterns, case-sensitive, with <c>\z</c> for Go's <c>$</c> (which, unlike .NET's, never matches before a
/// final newline). <c>[0-f]</c> is kept as Vitess writes it: a code point range, which also admits upper-case hex
/// digits and a few punctuation characters.
/// </remarks>
internal static partial class InternalTableNames
{
    /// <summary>True when <paramref name="table"/> is named like a Vitess internal operation table.</summary>
    public static bool IsInternalOperationTable(string table) =>
        InternalTableName().IsMatch(table) || GcTableName().IsMatch(table) || OnlineDdlTableName().IsMatch(table)
        || PtOscTableName().IsMatch(table);

    /// <summary><c>_vt_&lt;hint&gt;_&lt;uuid&gt;_&lt;yyyymmddhhmmss&gt;_</c> (Vitess 19+ internal table names, any three-character hint).</summary>
    [GeneratedRegex("^_vt_[a-zA-Z0-9]{3}_[0-f]{32}_[0-9]{14}_\\z", RegexOptions.CultureInvariant)]
    private static partial Regex InternalTableName();

    /// <summary>Table GC states before Vitess 19: <c>_vt_HOLD_&lt;uuid&gt;_&lt;timestamp&gt;</c> and PURGE, EVAC, DROP.</summary>
    [GeneratedRegex("^_vt_(HOLD|PURGE|EVAC|DROP)_[0-f]{32}_[0-9]{14}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex GcTableName();

    /// <summary>Online DDL: <c>_&lt;uuid with underscores&gt;_&lt;timestamp&gt;_gho</c> (and ghc, del, new, vrepl).</summary>
    [GeneratedRegex("^_[0-f]{8}_[0-f]{4}_[0-f]{4}_[0-f]{4}_[0-f]{12}_[0-9]{14}_(gho|ghc|del|new|vrepl)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex OnlineDdlTableName();

    /// <summary>pt-online-schema-change's old table: <c>_&lt;anything&gt;_old</c>.</summary>
    [GeneratedRegex("^_.*_old\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PtOscTableName();
}
