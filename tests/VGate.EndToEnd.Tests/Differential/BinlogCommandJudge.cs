using System.Globalization;
using System.Text.Json;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.IntegrationTests.Replication;

namespace VGate.EndToEnd.Tests.Differential;

/// <summary>
/// Judge a: <c>vgate binlog --from &lt;start&gt; --stop-at-end</c>, run as a process, prints every row event of the
/// workload; each row must be mariadb-binlog's row (same GTID, table, kind, in the same order) and each value must equal
/// mariadb-binlog's, converted from the JSON form documented in docs/binlog-json.md to the canonical form of
/// <see cref="ValueNormalizer"/>.
/// </summary>
internal static class BinlogCommandJudge
{
    private const int MaxReported = 12;

    public static async Task<string> RunAsync(ChainWorkload workload, Action<string> log, CancellationToken cancellationToken)
    {
        var judge = workload.Judge("vgate binlog");
        var (exit, stdout, stderr) = await CliProcess.RunAsync(
            ["binlog", "--source", workload.Server.ReplicationUri.ToString(), "--from", workload.Start, "--stop-at-end"], cancellationToken);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (exit != 0)
        {
            var last = lines.Length == 0 ? "(nothing)" : Show(lines[^1]);
            throw new Xunit.Sdk.XunitException($"{judge}: exited with {exit} after {lines.Length} events; last event printed: {last}\nstderr: {Tail(stderr)}");
        }

        var rows = new List<(string? Gtid, string Table, string Kind, JsonElement? Before, JsonElement? After)>();
        string? gtid = null;
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            var type = e.GetProperty("type").GetString();
            if (type == "gtid")
            {
                gtid = e.GetProperty("gtid").GetString();
                continue;
            }

            if (type is not ("write_rows" or "update_rows" or "delete_rows") || e.GetProperty("database").GetString() != workload.Database)
                continue;
            var table = e.GetProperty("table").GetString()!;
            foreach (var row in e.GetProperty("rows").EnumerateArray())
            {
                rows.Add(type switch
                {
                    "write_rows" => (gtid, table, "Insert", null, row.Clone()),
                    "delete_rows" => (gtid, table, "Delete", row.Clone(), null),
                    _ => (gtid, table, "Update", row.GetProperty("before").Clone(), row.GetProperty("after").Clone()),
                });
            }
        }

        var reference = workload.BinlogRows;
        var problems = new List<string>();
        var values = 0L;
        for (var i = 0; i < Math.Min(reference.Count, rows.Count) && problems.Count < MaxReported; i++)
        {
            var expected = reference[i];
            var actual = rows[i];
            var where = $"row {i} ({expected.Kind} `{expected.Table}`, transaction {workload.Describe(expected.Gtid ?? "?")})";
            if (expected.Gtid != actual.Gtid || expected.Table != actual.Table || expected.Kind.ToString() != actual.Kind)
            {
                problems.Add($"{where}: vgate binlog has {actual.Kind} `{actual.Table}` in {actual.Gtid}");
                break;
            }

            values += Compare(where, "before", expected.Before, actual.Before, problems);
            values += Compare(where, "after", expected.After, actual.After, problems);
        }

        if (problems.Count == 0 && reference.Count != rows.Count)
            problems.Add($"mariadb-binlog decoded {reference.Count} rows, vgate binlog printed {rows.Count}");
        if (problems.Count > 0)
            throw new Xunit.Sdk.XunitException($"{judge}: {problems.Count} difference(s) with mariadb-binlog -vv, first:\n  " + string.Join("\n  ", problems));
        var summary = string.Create(CultureInfo.InvariantCulture, $"{judge}: {lines.Length} events, {rows.Count} rows, {values} values = mariadb-binlog");
        log(summary);
        return summary;
    }

    private static int Compare(string where, string image, IReadOnlyList<DecodedValue>? expected, JsonElement? actual, List<string> problems)
    {
        if (expected is null || actual is null)
        {
            if (expected is not null || actual is not null)
                problems.Add($"{where}: {image} image present in {(expected is null ? "vgate binlog" : "mariadb-binlog")} only");
            return 0;
        }

        foreach (var value in expected)
        {
            if (!actual.Value.TryGetProperty(value.Column, out var json))
            {
                problems.Add($"{where}: {image} has no column {value.Column} in vgate binlog: {Show(actual.Value.GetRawText())}");
                return 0;
            }

            string? canonical;
            try
            {
                canonical = Canonical(value, json);
            }
            catch (FormatException ex)
            {
                canonical = "unreadable: " + ex.Message;
            }

            if (canonical != value.Canonical)
            {
                problems.Add($"{where}: {image} column {value.Column} ({value.BaseType}{(value.Charset is null ? "" : " " + value.Charset)}): " +
                    $"mariadb-binlog raw <{value.Raw}> canonical <{ValueNormalizer.Shorten(value.Canonical ?? "NULL")}>, vgate binlog {Show(json.GetRawText())} canonical <{ValueNormalizer.Shorten(canonical ?? "NULL")}>");
                if (problems.Count >= MaxReported)
                    break;
            }
        }

        return expected.Count;
    }

    /// <summary>A <c>vgate binlog</c> JSON value (docs/binlog-json.md) in <see cref="ValueNormalizer"/>'s canonical form.</summary>
    private static string? Canonical(DecodedValue column, JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null)
            return null;
        switch (column.BaseType)
        {
            case "TINYINT" or "SMALLINT" or "MEDIUMINT" or "INT" or "BIGINT" or "BIT":
                return Number(json);
            case "YEAR":
                return Number(json) is "0" ? "0000" : Number(json);
            case "FLOAT":
                // vgate binlog prints the shortest text that reads back as the stored float32 (docs/binlog-json.md): read it so.
                return ValueNormalizer.FloatCanonical(((double)float.Parse(Number(json), NumberStyles.Float, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture));
            case "DOUBLE":
                return ValueNormalizer.DoubleCanonical(Number(json));
            case "ENUM" when json.ValueKind == JsonValueKind.Number:
                // The invalid value (index 0) is the number 0 (docs/binlog-json.md); mariadb-binlog prints index 0, which
                // the reference decoder maps to the empty text.
                return Number(json) == "0" ? "" : throw new FormatException($"an ENUM printed as a number must be 0, got {json.GetRawText()}");
            case "DECIMAL" or "DATE" or "TIME" or "DATETIME" or "TIMESTAMP" or "ENUM" or "SET":
                return String(json);
            default:
                var text = String(json);
                var encoding = ValueNormalizer.EncodingOf(column.Charset);
                return ValueNormalizer.BytesCanonical(encoding is null ? Convert.FromBase64String(text) : encoding.GetBytes(text));
        }
    }

    private static string Number(JsonElement json) =>
        json.ValueKind == JsonValueKind.Number ? json.GetRawText() : throw new FormatException($"expected a JSON number, got {json.GetRawText()}");

    private static string String(JsonElement json) =>
        json.ValueKind == JsonValueKind.String ? json.GetString()! : throw new FormatException($"expected a JSON string, got {Show(json.GetRawText())}");

    private static string Show(string text) => ValueNormalizer.Shorten(text);

    private static string Tail(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
