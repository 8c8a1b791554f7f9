using System.Globalization;
using VGate.MySql;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Replication;
using VGate.Testing;
using VGate.Testing.Differential;
using Xunit.Abstractions;

namespace VGate.IntegrationTests.Replication;

/// <summary>A server of its own, with small binlog files so the workload crosses several rotations.</summary>
public sealed class DifferentialFixture() : MariaDbFixture(new MariaDbServerOptions
{
    Name = "differential",
    MaxBinlogSize = 1024 * 1024,
});

/// <summary>As <see cref="DifferentialFixture"/>, with MariaDB's compressed row and query events (<c>log_bin_compress</c>).</summary>
public sealed class CompressedDifferentialFixture() : MariaDbFixture(new MariaDbServerOptions
{
    Name = "differential-compressed",
    MaxBinlogSize = 1024 * 1024,
    ExtraArguments = ["--log-bin-compress=ON", "--log-bin-compress-min-len=10"],
});

/// <summary>The differential test on a server writing plain row events.</summary>
[Trait("Category", "Integration")]
public sealed class DifferentialTests(DifferentialFixture fixture, ITestOutputHelper output)
    : DifferentialTestsBase(fixture, output), IClassFixture<DifferentialFixture>;

/// <summary>The differential test on a server writing compressed row events (WRITE/UPDATE/DELETE_ROWS_COMPRESSED).</summary>
[Trait("Category", "Integration")]
public sealed class CompressedBinlogDifferentialTests(CompressedDifferentialFixture fixture, ITestOutputHelper output)
    : DifferentialTestsBase(fixture, output), IClassFixture<CompressedDifferentialFixture>;

/// <summary>
/// Differential test: a seeded random workload over every column type is decoded by VGate's
/// <see cref="BinlogClient"/> and by <c>mariadb-binlog</c>, and the two are compared row by row and value by value
/// after normalizing both to one canonical form (<see cref="ValueNormalizer"/>, <see cref="MariaDbBinlogOutputParser"/>).
/// The seed is fixed; set <c>VGATE_DIFF_SEED</c> to explore others (and <c>VGATE_DIFF_TRANSACTIONS</c> to change the
/// workload size). A failure names the seed, so it can be replayed.
/// </summary>
public abstract class DifferentialTestsBase(MariaDbFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSeed = 20261125;
    private const int DefaultTransactions = 300;
    private const int MaxReportedMismatches = 15;

    private MariaDbServer Server => fixture.Server;

    [ServerFact]
    public async Task ReadEvents_RandomWorkloadOverEveryType_MatchesMariaDbBinlog()
    {
        var seed = EnvironmentInt("VGATE_DIFF_SEED") ?? DefaultSeed;
        var transactions = EnvironmentInt("VGATE_DIFF_TRANSACTIONS") ?? DefaultTransactions;
        var options = new WorkloadOptions().Apply(Environment.GetEnvironmentVariable("VGATE_DIFF_FEATURES"));
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(3 + options.LargeTransactionRows / 20_000 + transactions / 1_000));
        var db = await fixture.CreateDatabaseAsync(deadline.Token);
        output.WriteLine($"seed {seed} (VGATE_DIFF_SEED), features {options} (VGATE_DIFF_FEATURES)");
        var workload = new RandomWorkload(seed, db, options);
        foreach (var statement in workload.CreateInitialTables())
            await Server.ExecuteAsync(statement, deadline.Token);
        var (startFile, _) = await Server.GetBinlogPositionAsync(deadline.Token);
        var start = BinlogStartPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync(deadline.Token));

        await using (var connection = await RandomWorkload.OpenSessionAsync(Server, deadline.Token))
            await workload.RunAsync(connection, transactions, deadline.Token, token => RandomWorkload.OpenSessionAsync(Server, token));

        var (vgate, compressedEvents) = await ReadWithVGateAsync(seed, start, db, deadline.Token);
        var files = (await Server.GetBinaryLogsAsync(deadline.Token)).Select(log => log.File).SkipWhile(file => file != startFile).ToList();
        var text = await MariaDbBinlogOutputParser.RunAsync(Server, files, deadline.Token);
        var reference = MariaDbBinlogOutputParser.Parse(text, db);

        var context = new Context(seed, workload.Transactions.Where(t => t.Gtid is not null).ToDictionary(t => t.Gtid!, t => t));
        Assert.True(files.Count > 1, $"seed {seed}: the workload should span several binlog files, wrote {string.Join(", ", files)}");
        AssertSameRows(context, reference, vgate);
        AssertWorkloadVisible(context, workload, vgate);
        AssertEveryColumnCovered(context, workload, vgate);
        if (fixture.Options.ExtraArguments.Contains("--log-bin-compress=ON"))
            Assert.True(compressedEvents > 0, "The server was to write compressed row events, VGate saw none.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {seed}: {workload.Transactions.Count} transactions ({workload.Transactions.Count(t => !t.Committed)} rolled back), " +
            $"{files.Count} binlog files, {vgate.Count} rows ({compressedEvents} compressed row events), " +
            $"{vgate.Sum(r => (r.Before?.Count ?? 0) + (r.After?.Count ?? 0))} values compared"));
    }

    private static int? EnvironmentInt(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private async Task<(List<DecodedRow> Rows, int CompressedEvents)> ReadWithVGateAsync(int seed, BinlogStartPosition start, string database, CancellationToken cancellationToken)
    {
        await using var client = new BinlogClient(BinlogCapture.Options(Server, start));
        var rows = new List<DecodedRow>();
        var compressed = 0;
        string? gtid = null;
        await foreach (var binlogEvent in client.ReadEventsAsync(cancellationToken))
        {
            switch (binlogEvent)
            {
                case MariaDbGtidEvent gtidEvent:
                    gtid = gtidEvent.Gtid.ToString();
                    break;
                case RowsEvent rowsEvent when rowsEvent.TableMap.Database == database:
                    // Row data lives in the client's buffer until the next event: copy it out now.
                    try
                    {
                        CopyRows(rowsEvent, gtid, rows);
                    }
                    catch (BinlogFormatException ex)
                    {
                        throw new InvalidOperationException($"seed {seed}: VGate could not decode a row event of `{rowsEvent.TableMap.Table}` in {gtid}: {ex.Message}", ex);
                    }

                    compressed += rowsEvent.IsCompressed ? 1 : 0;
                    break;
            }
        }

        return (rows, compressed);
    }

    private static void CopyRows(RowsEvent rowsEvent, string? gtid, List<DecodedRow> rows)
    {
        var map = rowsEvent.TableMap;
        foreach (var row in rowsEvent.GetRows())
            rows.Add(new DecodedRow(gtid, map.Database, map.Table, rowsEvent.Kind, CopyImage(map, row.Before), CopyImage(map, row.After)));
    }

    private static List<DecodedValue>? CopyImage(TableMapEvent map, RowImage image)
    {
        if (!image.IsPresent)
            return null;
        var values = new List<DecodedValue>();
        foreach (var cell in image.Cells)
        {
            var column = map.Columns[cell.ColumnIndex];
            values.Add(cell.IsNull
                ? ValueNormalizer.Null(column.Name ?? $"@{column.Index + 1}", "NULL")
                : ValueNormalizer.FromVGate(column, image.GetBytes(cell)));
        }

        return values;
    }

    private static void AssertSameRows(Context context, List<DecodedRow> reference, List<DecodedRow> vgate)
    {
        var mismatches = new List<string>();
        for (var i = 0; i < Math.Min(reference.Count, vgate.Count) && mismatches.Count < MaxReportedMismatches; i++)
        {
            var expected = reference[i];
            var actual = vgate[i];
            if (expected.Gtid != actual.Gtid || expected.Table != actual.Table || expected.Kind != actual.Kind)
            {
                mismatches.Add($"{context.Describe(expected, i)}: mariadb-binlog has {expected.Kind} `{expected.Table}` in {expected.Gtid}, VGate has {actual.Kind} `{actual.Table}` in {actual.Gtid}");
                break;
            }

            CompareImage(context, "before", expected, i, expected.Before, actual.Before, mismatches);
            CompareImage(context, "after", expected, i, expected.After, actual.After, mismatches);
        }

        if (mismatches.Count == 0 && reference.Count != vgate.Count)
        {
            mismatches.Add($"seed {context.Seed}: mariadb-binlog decoded {reference.Count} rows, VGate {vgate.Count}; first extra row: " +
                context.Describe(reference.Count > vgate.Count ? reference[vgate.Count] : vgate[reference.Count], Math.Min(reference.Count, vgate.Count)));
        }

        Assert.True(mismatches.Count == 0, $"seed {context.Seed} (set VGATE_DIFF_SEED to replay), {mismatches.Count} mismatch(es):\n" + string.Join("\n", mismatches));
        Assert.NotEmpty(vgate);
    }

    private static void CompareImage(Context context, string image, DecodedRow row, int index, IReadOnlyList<DecodedValue>? expected, IReadOnlyList<DecodedValue>? actual, List<string> mismatches)
    {
        if (expected is null || actual is null)
        {
            if (expected is not null || actual is not null)
                mismatches.Add($"{context.Describe(row, index)}: {image} image present in {(expected is null ? "VGate" : "mariadb-binlog")} only");
            return;
        }

        if (expected.Count != actual.Count)
        {
            mismatches.Add($"{context.Describe(row, index)}: {image} image has {expected.Count} columns in mariadb-binlog, {actual.Count} in VGate");
            return;
        }

        for (var c = 0; c < expected.Count && mismatches.Count < MaxReportedMismatches; c++)
        {
            var e = expected[c];
            var a = actual[c];
            if (e.Column != a.Column || e.Canonical != a.Canonical || e.Text != a.Text)
            {
                var what = e.Canonical == a.Canonical && e.Column == a.Column ? "decoded text" : "value";
                mismatches.Add($"{context.Describe(row, index)}, {image} column {e.Column} (@{c + 1}, VGate name {a.Column}): {what} differs\n" +
                    $"    mariadb-binlog raw <{e.Raw}> canonical <{Show(e.Canonical)}>{(e.Text is null ? "" : $" text <{ValueNormalizer.Shorten(e.Text)}>")}\n" +
                    $"    VGate          raw <{a.Raw}> canonical <{Show(a.Canonical)}>{(a.Text is null ? "" : $" text <{ValueNormalizer.Shorten(a.Text)}>")}");
            }
        }
    }

    private static string Show(string? canonical) => canonical is null ? "NULL" : ValueNormalizer.Shorten(canonical);

    private static void AssertWorkloadVisible(Context context, RandomWorkload workload, List<DecodedRow> rows)
    {
        var rolledBack = rows.FirstOrDefault(row => (row.After ?? row.Before)!.Any(v =>
            v.Column == "id" && int.Parse(v.Canonical!, CultureInfo.InvariantCulture) is >= RandomWorkload.RolledBackIdBase and < RandomWorkload.XaRolledBackIdBase));
        Assert.True(rolledBack is null, $"seed {context.Seed}: a row of a rolled-back transaction reached the binlog: {rolledBack}");

        var gtids = rows.Select(row => row.Gtid).ToHashSet();
        var missing = workload.Transactions.Where(t => t.Committed && t.HasInsert && !gtids.Contains(t.Gtid)).ToList();
        Assert.True(missing.Count == 0, $"seed {context.Seed}: committed transactions with inserts have no rows: {string.Join(", ", missing.Select(t => $"#{t.Number} {t.Gtid}"))}");
        if (workload.Options.Rollbacks)
            Assert.Contains(workload.Transactions, t => !t.Committed);
    }

    /// <summary>Guards against a vacuous pass: every column of the final schema carried non-NULL values.</summary>
    private static void AssertEveryColumnCovered(Context context, RandomWorkload workload, List<DecodedRow> rows)
    {
        var seen = rows.SelectMany(r => (r.Before ?? []).Concat(r.After ?? []).Where(v => v.Canonical is not null).Select(v => (r.Table, v.Column))).ToHashSet();
        var missing = workload.Tables.SelectMany(t => t.Columns.Select(c => (t.Name, c.Name))).Where(c => !seen.Contains(c)).ToList();
        Assert.True(missing.Count == 0, $"seed {context.Seed}: no non-NULL value was compared for {string.Join(", ", missing)}");
    }

    private sealed record Context(int Seed, Dictionary<string, WorkloadTransaction> ByGtid)
    {
        public string Describe(DecodedRow row, int index)
        {
            var transaction = row.Gtid is not null && ByGtid.TryGetValue(row.Gtid, out var t) ? t : null;
            return string.Create(CultureInfo.InvariantCulture, $"seed {Seed}, transaction #{transaction?.Number.ToString(CultureInfo.InvariantCulture) ?? "?"} ({row.Gtid}), row {index}, {row.Kind} `{row.Table}`");
        }
    }
}
