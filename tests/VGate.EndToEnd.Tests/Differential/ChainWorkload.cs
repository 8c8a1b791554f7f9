using System.Globalization;
using VGate.IntegrationTests.Replication;
using VGate.Testing;
using VGate.Testing.Differential;

namespace VGate.EndToEnd.Tests.Differential;

/// <summary>
/// The workload and its ground truth, made once for all judges of <see cref="ChainDifferentialTests"/>: a real mariadbd
/// (small binlog files, so the workload crosses rotations), the seeded <see cref="RandomWorkload"/> with the features
/// of <see cref="Features"/>, then the two references nobody in this repository wrote: <c>mariadb-binlog -vv</c>'s
/// decoding of every row event (<see cref="BinlogRows"/>) and <c>SELECT</c> of every table (<see cref="Snapshot"/>).
/// </summary>
/// <remarks>
/// Environment: <c>VGATE_DIFF_SEED</c> (default: a fixed seed), <c>VGATE_DIFF_CHAIN_TRANSACTIONS</c> (default 150),
/// <c>VGATE_DIFF_FEATURES</c> (applied to <see cref="DefaultFeatures"/>, e.g. <c>+savepoints,large=100000</c>).
/// </remarks>
public class ChainWorkload : IAsyncLifetime
{
    public const string Keyspace = "ks";
    public const int DefaultSeed = 20261207;
    public const int DefaultTransactions = 150;

    /// <summary>
    /// The features on by default: every feature but <c>modify</c> (XA, savepoints, CTAS, YEAR 0 and BINARY padding
    /// passed once the issue 13 fixes were merged; <c>nontx</c>, an Aria table changed inside a rolled-back savepoint, found that a
    /// group ending in ROLLBACK must send no rows; <c>statement</c>, a STATEMENT-format session, is judged by applying the
    /// delivered statements with SQL, see <see cref="StatementTables"/>).
    /// <c>modify</c> is off for good here: a MODIFY COLUMN changes the stored form of rows that no later event
    /// touches, so a replay cannot be compared with SELECT (the binlog-client differential test covers it).
    /// </summary>
    public static WorkloadOptions DefaultFeatures { get; } = new WorkloadOptions { ModifyColumns = false, LargeTransactionRows = 3_000 };

    private readonly WorkloadOptions _defaults;

    public ChainWorkload()
        : this(DefaultFeatures)
    {
    }

    /// <param name="defaults">The features before <c>VGATE_DIFF_FEATURES</c> is applied.</param>
    protected ChainWorkload(WorkloadOptions defaults) => _defaults = defaults;

    private readonly List<string> _log = [];
    private MariaDbServer? _server;

    public MariaDbServer Server => _server ?? throw new InvalidOperationException("not started");

    public int Seed { get; private set; }

    public WorkloadOptions Features { get; private set; } = DefaultFeatures;

    public string Database { get; private set; } = "";

    public RandomWorkload Workload { get; private set; } = null!;

    /// <summary>The position before the workload (<c>MariaDB/D-S-N</c>).</summary>
    public string Start { get; private set; } = "";

    /// <summary>The position after the workload and the final marker transaction.</summary>
    public string End { get; private set; } = "";

    /// <summary>Every row of every row event of the workload's database, as mariadb-binlog decodes it (when <see cref="DecodesBinlogRows"/>).</summary>
    public List<DecodedRow> BinlogRows { get; private set; } = [];

    /// <summary>Every table as SELECT sees it after the workload.</summary>
    public DatabaseSnapshot Snapshot { get; private set; } = null!;

    /// <summary>Whether <see cref="BinlogRows"/> is filled (only the <c>vgate binlog</c> judge needs it).</summary>
    protected virtual bool DecodesBinlogRows => false;

    /// <summary>
    /// The tables a STATEMENT-format session writes (<c>statement</c> feature): a VStream judge replays them with SQL
    /// (<see cref="StatementMirror"/>); the Kafka sink skips statements by configuration, so its judge leaves them out.
    /// </summary>
    public IReadOnlyList<string> StatementTables => Features.StatementFormat ? ["sbr"] : [];

    /// <summary>How many <c>ROLLBACK TO</c> statements MariaDB wrote to the binlog (savepoints with non-transactional changes).</summary>
    public int SavepointRollbacksInBinlog { get; private set; }

    /// <summary>How many <c>XA PREPARE</c> groups the binlog holds.</summary>
    public int XaPreparesInBinlog { get; private set; }

    /// <summary>What was run, for the output of every test.</summary>
    public IReadOnlyList<string> Log => _log;

    public virtual async Task InitializeAsync()
    {
        Seed = EnvironmentInt("VGATE_DIFF_SEED") ?? DefaultSeed;
        var transactions = EnvironmentInt("VGATE_DIFF_CHAIN_TRANSACTIONS") ?? DefaultTransactions;
        Features = _defaults.Apply(Environment.GetEnvironmentVariable("VGATE_DIFF_FEATURES"));
        _log.Add($"seed {Seed} (VGATE_DIFF_SEED), {transactions} transactions (VGATE_DIFF_CHAIN_TRANSACTIONS), features {Features} (VGATE_DIFF_FEATURES)");
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(20 + Features.LargeTransactionRows / 20_000));
        var token = deadline.Token;
        _server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "chain-diff", MaxBinlogSize = 1024 * 1024 }, token);
        Database = "chain_" + Guid.NewGuid().ToString("N")[..8];
        await Server.ExecuteAsync($"CREATE DATABASE `{Database}`", token);
        Workload = new RandomWorkload(Seed, Database, Features);
        foreach (var statement in Workload.CreateInitialTables())
            await Server.ExecuteAsync(statement, token);
        var (startFile, _) = await Server.GetBinlogPositionAsync(token);
        Start = "MariaDB/" + await Server.GetGtidBinlogPosAsync(token);
        await using (var connection = await RandomWorkload.OpenSessionAsync(Server, token))
            await Workload.RunAsync(connection, transactions, token, t => RandomWorkload.OpenSessionAsync(Server, t));

        // A last, ordinary transaction, so every judge knows where the workload ends, whatever its final transactions were.
        await Server.ExecuteAsync($"CREATE TABLE `{Database}`.done (id INT PRIMARY KEY)", token);
        await Server.ExecuteAsync($"INSERT INTO `{Database}`.done VALUES (1)", token);
        End = "MariaDB/" + await Server.GetGtidBinlogPosAsync(token);

        Snapshot = await DatabaseSnapshot.ReadAsync(Server, Database, token);
        var files = (await Server.GetBinaryLogsAsync(token)).Select(log => log.File).SkipWhile(file => file != startFile).ToList();
        var text = await MariaDbBinlogOutputParser.RunAsync(Server, files, token);
        // Only the vgate binlog judge compares rows with mariadb-binlog; the others need the guards below, and the
        // decoded rows of a 1M-row workload take gigabytes.
        if (DecodesBinlogRows)
            BinlogRows = MariaDbBinlogOutputParser.Parse(text, Database);
        // Guards against a vacuous pass: the cases the features are there for must really be in the binlog.
        SavepointRollbacksInBinlog = CountOf(text, "ROLLBACK TO "u8);
        XaPreparesInBinlog = CountOf(text, "XA PREPARE "u8);
        if (Features.NonTransactionalInSavepoint && SavepointRollbacksInBinlog == 0)
            throw new InvalidOperationException($"seed {Seed}: the workload was to make MariaDB write a ROLLBACK TO SAVEPOINT into the binlog (nontx), it wrote none");
        if (Features.Xa && XaPreparesInBinlog == 0)
            throw new InvalidOperationException($"seed {Seed}: the workload was to write XA PREPARE groups, the binlog has none");
        _log.Add(string.Create(CultureInfo.InvariantCulture,
            $"workload: {Workload.Transactions.Count} transactions ({Workload.Transactions.Count(t => !t.Committed)} rolled back), {Start} → {End}, " +
            $"{files.Count} binlog files ({text.Length:N0} bytes as mariadb-binlog -vv), {SavepointRollbacksInBinlog} ROLLBACK TO and {XaPreparesInBinlog} XA PREPARE in the binlog; tables: {Snapshot}"));
    }

    /// <summary>Gateway configuration: keyspace <see cref="Keyspace"/>, unsharded (shard <c>0</c>), the workload's database.</summary>
    public Dictionary<string, string?> GatewaySettings() => new()
    {
        ["VGate:Keyspaces:0:Name"] = Keyspace,
        ["VGate:Keyspaces:0:Database"] = Database,
        ["VGate:Keyspaces:0:Sharded"] = "false",
        ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
        ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = Server.ReplicationUri.ToString(),
    };

    /// <summary>The workload transaction that got <paramref name="position"/>'s GTID, for failure messages.</summary>
    public string Describe(string position)
    {
        var sequence = position[(position.LastIndexOf('-') + 1)..];
        var transaction = Workload.Transactions.FirstOrDefault(t => t.Gtid is { } gtid && gtid[(gtid.LastIndexOf('-') + 1)..] == sequence);
        return transaction is null
            ? position
            : string.Create(CultureInfo.InvariantCulture, $"{position} (workload transaction #{transaction.Number}: {Shorten(string.Join("; ", transaction.Sql))})");
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    /// <summary>The prefix of every judge's failure message: how to replay the run.</summary>
    public string Judge(string name) => $"seed {Seed}, features {Features}, judge {name}";

    public virtual async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private static int CountOf(ReadOnlySpan<byte> text, ReadOnlySpan<byte> what)
    {
        var count = 0;
        for (var at = text.IndexOf(what); at >= 0; at = text.IndexOf(what))
        {
            count++;
            text = text[(at + what.Length)..];
        }

        return count;
    }

    private static int? EnvironmentInt(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// The workload for the <c>vgate binlog</c> judge: <see cref="ChainWorkload.DefaultFeatures"/>, with mariadb-binlog's
/// row images decoded for the value-by-value comparison (YEAR 0 and BINARY padding, which crashed or were trimmed
/// before, are on).
/// </summary>
public sealed class BinlogCommandWorkload() : ChainWorkload(DefaultFeatures)
{
    protected override bool DecodesBinlogRows => true;
}
