using System.Globalization;

namespace VGate.Testing.Differential;

/// <summary>
/// Which kinds of transaction <see cref="RandomWorkload"/> generates. Every feature can be switched on or off, in code
/// or through <c>VGATE_DIFF_FEATURES</c> (see <see cref="Apply"/>), so a failing feature can be isolated and a fixed one
/// turned on without touching the generator.
/// </summary>
public sealed record WorkloadOptions
{
    /// <summary>Full ROLLBACKs (rows from <see cref="RandomWorkload.RolledBackIdBase"/> up, never in the binlog).</summary>
    public bool Rollbacks { get; init; } = true;

    /// <summary>ADD/DROP COLUMN and CREATE TABLE mid-stream.</summary>
    public bool Ddl { get; init; } = true;

    /// <summary>
    /// MODIFY COLUMN mid-stream (VARCHAR length, FLOAT → DOUBLE, SMALLINT → INT, TIME(3) → TIME(6)). Changes the stored
    /// form of rows no later event touches, so only a decoder comparison can judge it, not a replay against SELECT.
    /// </summary>
    public bool ModifyColumns { get; init; } = true;

    /// <summary>Nested SAVEPOINTs, some released, some rolled back, inside committed transactions.</summary>
    public bool Savepoints { get; init; } = true;

    /// <summary>
    /// A non-transactional (Aria) table changed inside a savepoint that is then rolled back: MariaDB then writes the
    /// rolled-back transactional rows to the binlog, followed by <c>ROLLBACK TO</c>.
    /// </summary>
    public bool NonTransactionalInSavepoint { get; init; } = true;

    /// <summary>CREATE TABLE … SELECT (rows and DDL in one binlog group).</summary>
    public bool CreateTableAsSelect { get; init; } = true;

    /// <summary>XA: prepare then commit from another connection, one-phase commit, prepare then rollback.</summary>
    public bool Xa { get; init; } = true;

    /// <summary>UPDATEs that change the primary key.</summary>
    public bool PrimaryKeyChanges { get; init; } = true;

    /// <summary>A table without a primary key (duplicate rows included).</summary>
    public bool NoPrimaryKey { get; init; } = true;

    /// <summary>Transactions run with <c>SET SESSION binlog_format=STATEMENT</c>.</summary>
    public bool StatementFormat { get; init; } = true;

    /// <summary>The zero YEAR (<c>0000</c>, stored as byte 0) among the YEAR values (the other edge values are always on).</summary>
    public bool ZeroYear { get; init; } = true;

    /// <summary>
    /// BINARY(n), INET6 and UUID values shorter than their size or ending in zero bytes (which the server strips and
    /// readers must pad back); off: always full length with a non-zero last byte.
    /// </summary>
    public bool BinaryPadding { get; init; } = true;

    /// <summary>Rows in each large transaction (0: none). Two large transactions run: an INSERT, then an UPDATE of them all.</summary>
    public int LargeTransactionRows { get; init; } = 2_000;

    /// <summary>The feature names <see cref="Apply"/> understands.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        ["rollbacks", "ddl", "modify", "savepoints", "nontx", "ctas", "xa", "pkchange", "nopk", "statement", "year0", "binpad"];

    /// <summary>
    /// Applies a comma-separated list such as <c>-xa,+statement,large=100000</c> (<c>+name</c> or <c>name</c> switches
    /// a feature on, <c>-name</c> off, <c>all</c>/<c>none</c> all of them, <c>large=N</c> sets
    /// <see cref="LargeTransactionRows"/>). Unknown names throw, so a typo cannot silently test less.
    /// </summary>
    public WorkloadOptions Apply(string? features)
    {
        var options = this;
        foreach (var raw in (features ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith("large=", StringComparison.Ordinal))
            {
                options = options with { LargeTransactionRows = int.Parse(raw["large=".Length..], CultureInfo.InvariantCulture) };
                continue;
            }

            var on = !raw.StartsWith('-');
            var name = raw.TrimStart('+', '-');
            options = name switch
            {
                "all" => options.WithAll(on),
                "none" => options.WithAll(!on),
                _ => options.With(name, on),
            };
        }

        return options;
    }

    /// <summary>The options with every feature set to <paramref name="on"/>.</summary>
    public WorkloadOptions WithAll(bool on) => FeatureNames.Aggregate(this, (options, name) => options.With(name, on));

    /// <summary>The options with feature <paramref name="name"/> set to <paramref name="on"/>.</summary>
    public WorkloadOptions With(string name, bool on) => name switch
    {
        "rollbacks" => this with { Rollbacks = on },
        "ddl" => this with { Ddl = on },
        "modify" => this with { ModifyColumns = on },
        "savepoints" => this with { Savepoints = on },
        "nontx" => this with { NonTransactionalInSavepoint = on },
        "ctas" => this with { CreateTableAsSelect = on },
        "xa" => this with { Xa = on },
        "pkchange" => this with { PrimaryKeyChanges = on },
        "nopk" => this with { NoPrimaryKey = on },
        "statement" => this with { StatementFormat = on },
        "year0" => this with { ZeroYear = on },
        "binpad" => this with { BinaryPadding = on },
        _ => throw new ArgumentException($"Unknown workload feature '{name}'; known: {string.Join(", ", FeatureNames)}, all, none, large=N.", nameof(name)),
    };

    /// <summary>The switched-on features, for the test output: <c>rollbacks,ddl,… large=2000</c>.</summary>
    public override string ToString()
    {
        var names = new List<string>();
        if (Rollbacks) names.Add("rollbacks");
        if (Ddl) names.Add("ddl");
        if (ModifyColumns) names.Add("modify");
        if (Savepoints) names.Add("savepoints");
        if (NonTransactionalInSavepoint) names.Add("nontx");
        if (CreateTableAsSelect) names.Add("ctas");
        if (Xa) names.Add("xa");
        if (PrimaryKeyChanges) names.Add("pkchange");
        if (NoPrimaryKey) names.Add("nopk");
        if (StatementFormat) names.Add("statement");
        if (ZeroYear) names.Add("year0");
        if (BinaryPadding) names.Add("binpad");
        return (names.Count == 0 ? "none" : string.Join(",", names)) + string.Create(CultureInfo.InvariantCulture, $" large={LargeTransactionRows}");
    }
}
