using System.Globalization;
using System.Text;
using MySqlConnector;

namespace VGate.Testing.Differential;

/// <summary>
/// A seeded random workload for the differential test: tables covering every MariaDB column type, random values
/// (extremes, NULLs, empty strings, multibyte text, quotes, backslashes, control characters), multi-statement
/// transactions over several tables, ROLLBACKs and DDL mid-stream. The same seed always produces the same SQL.
/// </summary>
/// <remarks>
/// <para>
/// Every value is sent as a literal whose bytes are exact: strings as <c>_charset x'…'</c>, binary data as
/// <c>x'…'</c>, FLOAT/DOUBLE as round-trip decimal text, so the stored bytes are known regardless of the
/// connection character set.
/// </para>
/// <para>
/// Generated string and binary bytes never contain a backslash followed by <c>x</c>: mariadb-binlog prints bytes
/// below 0x20 as <c>\xNN</c> but a backslash as itself, so a literal <c>\x0a</c> in the data would be
/// indistinguishable from a newline byte in its output (see the integration tests' <c>MariaDbBinlogOutputParser</c>).
/// </para>
/// <para>
/// Rows inserted by transactions that end in ROLLBACK get ids from <see cref="RolledBackIdBase"/> up, so a test
/// can check that none of them reaches the binlog.
/// </para>
/// </remarks>
public sealed partial class RandomWorkload
{
    /// <summary>Ids from this value up to <see cref="XaRolledBackIdBase"/> are only ever inserted by transactions that end in ROLLBACK.</summary>
    public const int RolledBackIdBase = 100_000_000;

    /// <summary>Ids at or above this value are only ever inserted by XA transactions rolled back after XA PREPARE.</summary>
    public const int XaRolledBackIdBase = 200_000_000;

    private static readonly Encoding Cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static readonly string[] Utf8Pieces =
    [
        "a", "b", "Z", "0", "9", " ", "  ", "'", "''", "\"", "\\", "\\\\", "\n", "\r\n", "\t", "\0", "%", "_", ";", "/*", "*/",
        "é", "ü", "ß", "€", "Ω", "ж", "日本語", "中", "한", "😀", "🎉", "𝄞", "e\u0301", "\u200b", "\u00a0", "\u007f", "\u0001",
    ];

    private static readonly string[] Latin1Pieces =
    [
        "a", "B", "z", "7", " ", "'", "\"", "\\", "\n", "\t", "\0", "é", "ÿ", "ü", "£", "×", "€", "Œ", "™", "\u00a0", "\u007f",
    ];

    /// <summary>Character sets the workload writes, with the characters each can hold.</summary>
    private static readonly Dictionary<string, Charset> Charsets = new Charset[]
    {
        new("utf8mb4", Encoding.UTF8, Utf8Pieces),
        new("utf8mb3", Encoding.UTF8, Bmp(Utf8Pieces)),
        new("latin1", Cp1252, Latin1Pieces),
        new("ascii", Encoding.ASCII, [.. Utf8Pieces.Where(p => p.All(char.IsAscii))]),
        new("ucs2", Encoding.BigEndianUnicode, Bmp(Utf8Pieces)),
        new("utf16", Encoding.BigEndianUnicode, Utf8Pieces),
        new("utf32", new UTF32Encoding(bigEndian: true, byteOrderMark: false), Utf8Pieces),
        new("cp1251", CodePagesEncodingProvider.Instance.GetEncoding(1251)!, ["a", "Z", " ", "'", "\\", "\n", "ж", "Я", "ё", "№", "€"]),
    }.ToDictionary(c => c.Name);

    private static readonly (string Sql, int Members)[] SetTypes =
    [
        ("SET('x','y','z')", 3),
        ("SET('a','b','c','d','e','f','g','h','i','j')", 10),
        ("SET(" + string.Join(",", Enumerable.Range(0, 64).Select(i => $"'s{i}'")) + ")", 64),
    ];

    private static readonly int[] BitWidths = [1, 5, 8, 13, 32, 63, 64];

    private static readonly (int, int)[] DecimalShapes = [(1, 0), (5, 2), (10, 4), (18, 9), (19, 0), (27, 13), (38, 38), (65, 0), (65, 30)];

    private readonly Random _random;
    private readonly string _database;
    private readonly List<TableSpec> _tables = [];
    private readonly List<WorkloadTransaction> _transactions = [];
    private readonly WorkloadOptions _options;
    private readonly Dictionary<(string Table, string Column), string?> _addedColumnDefaults = [];
    private int _nextRolledBackId = RolledBackIdBase;
    private int _nextXaRolledBackId = XaRolledBackIdBase;
    private int _xaCount;
    private int _ctasCount;
    private string? _lastGtid;

    public RandomWorkload(int seed, string database, WorkloadOptions? options = null)
    {
        Seed = seed;
        _database = database;
        _options = options ?? new WorkloadOptions();
        _random = new Random(seed);
    }

    public int Seed { get; }

    public WorkloadOptions Options => _options;

    /// <summary>The tables as they are now (after the DDL run so far).</summary>
    public IReadOnlyList<TableSpec> Tables => _tables;

    /// <summary>
    /// Columns added by DDL, with the value the ALTER gave the rows that already existed (canonical form, null = NULL):
    /// a replay of row changes only knows them for rows written after the ALTER.
    /// </summary>
    public IReadOnlyDictionary<(string Table, string Column), string?> AddedColumnDefaults => _addedColumnDefaults;

    /// <summary>Everything that was executed, in order (DDL counts as a transaction of its own).</summary>
    public IReadOnlyList<WorkloadTransaction> Transactions => _transactions;

    /// <summary>A root connection with the session the workload needs: UTC, a non-strict <c>sql_mode</c> that allows zero dates.</summary>
    public static async Task<MySqlConnection> OpenSessionAsync(VGate.Testing.MariaDbServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var connection = await server.OpenConnectionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var session = new MySqlCommand("SET time_zone = '+00:00', sql_mode = 'NO_ENGINE_SUBSTITUTION'", connection);
        await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>The statements that create the initial tables (run before the binlog start position is taken).</summary>
    public IReadOnlyList<string> CreateInitialTables()
    {
        _tables.Add(new TableSpec("ints",
        [
            Col("ti", "TINYINT", r => Int(r, sbyte.MinValue, sbyte.MaxValue)),
            Col("tiu", "TINYINT UNSIGNED", r => UInt(r, byte.MaxValue)),
            Col("si", "SMALLINT", r => Int(r, short.MinValue, short.MaxValue)),
            Col("siu", "SMALLINT UNSIGNED NOT NULL DEFAULT 0", r => UInt(r, ushort.MaxValue), nullable: false),
            Col("mi", "MEDIUMINT", r => Int(r, -8388608, 8388607)),
            Col("miu", "MEDIUMINT UNSIGNED", r => UInt(r, 16777215)),
            Col("i", "INT NOT NULL DEFAULT 0", r => Int(r, int.MinValue, int.MaxValue), nullable: false),
            Col("iu", "INT UNSIGNED", r => UInt(r, uint.MaxValue)),
            Col("bi", "BIGINT", r => Int(r, long.MinValue, long.MaxValue)),
            Col("biu", "BIGINT UNSIGNED", r => UInt(r, ulong.MaxValue)),
            Col("y", "YEAR", Year),
            ..BitWidths.Select(n => Col($"b{n}", $"BIT({n})", r => Bit(r, n))),
        ]));
        _tables.Add(new TableSpec("reals",
        [
            Col("f", "FLOAT", Float),
            Col("d", "DOUBLE", Double),
            .. DecimalShapes.Select(ps => Col($"d{ps.Item1}_{ps.Item2}", $"DECIMAL({ps.Item1},{ps.Item2})", r => Decimal(r, ps.Item1, ps.Item2, unsigned: false))),
            Col("du", "DECIMAL(12,3) UNSIGNED", r => Decimal(r, 12, 3, unsigned: true)),
        ]));
        _tables.Add(new TableSpec("times",
        [
            Col("dt", "DATE", Date),
            .. Enumerable.Range(0, 7).Select(fsp => Col($"tm{fsp}", $"TIME({fsp})", r => Time(r, fsp))),
            .. Enumerable.Range(0, 7).Select(fsp => Col($"dtm{fsp}", $"DATETIME({fsp})", r => DateTime(r, fsp))),
            .. Enumerable.Range(0, 7).Select(fsp => Col($"ts{fsp}", $"TIMESTAMP({fsp}) NULL DEFAULT NULL", r => Timestamp(r, fsp))),
        ]));
        _tables.Add(new TableSpec("strs",
        [
            Col("c", "CHAR(20) NOT NULL DEFAULT ''", r => Utf8(r, 20), nullable: false),
            Col("c255", "CHAR(255)", r => Utf8(r, 255)),
            Col("vc", "VARCHAR(60)", r => Utf8(r, 60)),
            Col("vcl", "VARCHAR(300)", r => Utf8(r, 300)),
            Col("cl", "CHAR(12) CHARACTER SET latin1", r => Latin1(r, 12)),
            Col("vl", "VARCHAR(200) CHARACTER SET latin1", r => Latin1(r, 200)),
            Col("vl2", "VARCHAR(300) CHARACTER SET latin1", r => Latin1(r, 300)),
            Col("bn", "BINARY(8)", r => Binary(r, 8)),
            Col("vb", "VARBINARY(200)", r => Bytes(r, 200)),
            Col("vb2", "VARBINARY(400)", r => Bytes(r, 400)),
            Col("e", "ENUM('a','bb','ü','x y')", r => Enum(r, 4)),
            Col("e300", "ENUM(" + string.Join(",", Enumerable.Range(0, 300).Select(i => $"'m{i}'")) + ")", r => Enum(r, 300)),
            // '' is a member here (index 1); the number 0 stores the invalid value (index 0), which also reads as ''.
            Col("e0", "ENUM('','a','b')", r => r.Next(4) switch { 0 => "''", 1 => "0", 2 => "'a'", _ => Invariant($"{r.Next(1, 4)}") }),
            .. SetTypes.Select((set, i) => Col($"s{i}", set.Sql, r => Set(r, set.Members))),
        ]));
        _tables.Add(new TableSpec("charsets",
        [
            Col("u3", "VARCHAR(40) CHARACTER SET utf8mb3", r => Text(r, 40, Charsets["utf8mb3"])),
            Col("u3c", "CHAR(10) CHARACTER SET utf8mb3 COLLATE utf8mb3_croatian_ci", r => Text(r, 10, Charsets["utf8mb3"])),
            Col("u4bin", "VARCHAR(40) COLLATE utf8mb4_bin", r => Text(r, 40, Charsets["utf8mb4"])),
            Col("u4np", "VARCHAR(40) COLLATE utf8mb4_nopad_bin", r => Text(r, 40, Charsets["utf8mb4"])),
            Col("u4uca", "TEXT COLLATE utf8mb4_unicode_520_nopad_ci", r => Text(r, 40, Charsets["utf8mb4"])),
            Col("l1np", "VARCHAR(40) CHARACTER SET latin1 COLLATE latin1_nopad_bin", r => Text(r, 40, Charsets["latin1"])),
            Col("asc", "VARCHAR(40) CHARACTER SET ascii", r => Text(r, 40, Charsets["ascii"])),
            Col("uc2", "VARCHAR(20) CHARACTER SET ucs2", r => Text(r, 20, Charsets["ucs2"])),
            Col("uc2c", "CHAR(8) CHARACTER SET ucs2 COLLATE ucs2_croatian_ci", r => Text(r, 8, Charsets["ucs2"])),
            Col("u16", "VARCHAR(20) CHARACTER SET utf16", r => Text(r, 20, Charsets["utf16"])),
            Col("u16np", "TINYTEXT CHARACTER SET utf16 COLLATE utf16_general_nopad_ci", r => Text(r, 20, Charsets["utf16"])),
            Col("u32", "VARCHAR(20) CHARACTER SET utf32", r => Text(r, 20, Charsets["utf32"])),
            Col("cyr", "VARCHAR(20) CHARACTER SET cp1251", r => Text(r, 20, Charsets["cp1251"])),
            Col("ip6", "INET6", Inet6),
            Col("uid", "UUID", Uuid),
        ]));
        _tables.Add(new TableSpec("lobs",
        [
            Col("tt", "TINYTEXT", r => Utf8Bytes(r, 255)),
            Col("tx", "TEXT", r => Utf8Bytes(r, 65535)),
            Col("mt", "MEDIUMTEXT", r => Utf8Bytes(r, 100_000)),
            Col("lt", "LONGTEXT", r => Utf8Bytes(r, 100_000)),
            Col("tl", "TEXT CHARACTER SET latin1", r => Latin1(r, 2000)),
            Col("tb", "TINYBLOB", r => Bytes(r, 255)),
            Col("bl", "BLOB", r => Bytes(r, 65535)),
            Col("mb", "MEDIUMBLOB", r => Bytes(r, 100_000)),
            Col("lb", "LONGBLOB", r => Bytes(r, 100_000)),
            Col("j", "JSON", Json),
            Col("g", "GEOMETRY", Geometry),
            Col("p", "POINT", r => Point(r)),
            Col("ls", "LINESTRING", LineString),
            Col("pg", "POLYGON", Polygon),
        ]));
        if (_options.NoPrimaryKey)
        {
            _tables.Add(new TableSpec("nopk",
            [
                Col("v", "VARCHAR(20)", r => Utf8(r, 20)),
                Col("n", "INT", r => Int(r, int.MinValue, int.MaxValue)),
                Col("bn", "BINARY(4)", r => Binary(r, 4)),
                Col("y", "YEAR", Year),
            ]) { HasPrimaryKey = false });
        }

        if (_options.NonTransactionalInSavepoint)
        {
            _tables.Add(new TableSpec("nontx",
            [
                Col("v", "VARCHAR(30)", r => Utf8(r, 30)),
                Col("n", "BIGINT", r => Int(r, long.MinValue, long.MaxValue)),
            ]) { Engine = "Aria" });
        }

        if (_options.StatementFormat)
        {
            _tables.Add(new TableSpec("sbr",
            [
                Col("n", "INT NOT NULL DEFAULT 0", r => Int(r, int.MinValue, int.MaxValue), nullable: false),
                Col("v", "VARCHAR(40)", r => Utf8(r, 40)),
                Col("d", "DECIMAL(10,2)", r => Decimal(r, 10, 2, unsigned: false)),
            ]));
        }

        if (_options.LargeTransactionRows > 0)
        {
            _tables.Add(new TableSpec("big",
            [
                Col("n", "INT NOT NULL", r => Int(r, 0, 1000), nullable: false),
                Col("v", "VARCHAR(40)", r => Utf8(r, 40)),
                Col("pad", "VARBINARY(32)", r => Bytes(r, 32)),
            ]) { Pickable = false });
        }

        return _tables.Select(t => t.CreateSql(_database)).ToList();
    }

    /// <summary>
    /// Runs <paramref name="count"/> transactions (plus the scheduled DDL, CTAS and large transactions) on
    /// <paramref name="connection"/>, which must have <c>time_zone='+00:00'</c> and a non-strict <c>sql_mode</c> allowing
    /// zero dates. <paramref name="openConnection"/> opens another such connection (XA transactions are committed or rolled
    /// back from one); without it, XA transactions are finished on <paramref name="connection"/>.
    /// Every enabled feature is used at least once, at a fixed fraction of <paramref name="count"/>, and at random after that.
    /// </summary>
    public async Task RunAsync(MySqlConnection connection, int count, CancellationToken cancellationToken, Func<CancellationToken, Task<MySqlConnection>>? openConnection = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var scheduled = new Dictionary<int, List<Func<Task>>>();
        void At(double fraction, Func<Task> step)
        {
            var index = Math.Min(count - 1, (int)(count * fraction));
            if (!scheduled.TryGetValue(index, out var steps))
                scheduled[index] = steps = [];
            steps.Add(step);
        }

        if (_options.Ddl)
        {
            At(0.2, () => RunDdlAsync(connection, AddColumns(), cancellationToken));
            At(0.4, () => RunDdlAsync(connection, DropColumns(), cancellationToken));
            At(0.7, () => RunDdlAsync(connection, CreateTable(), cancellationToken));
        }

        if (_options.ModifyColumns)
            At(0.55, () => RunDdlAsync(connection, ModifyColumns(), cancellationToken));
        if (_options.CreateTableAsSelect)
        {
            At(0.3, () => RunCreateTableAsSelectAsync(connection, cancellationToken));
            At(0.85, () => RunCreateTableAsSelectAsync(connection, cancellationToken));
        }

        if (_options.LargeTransactionRows > 0)
        {
            At(0.5, () => RunLargeInsertAsync(connection, cancellationToken));
            At(0.6, () => RunLargeUpdateAsync(connection, cancellationToken));
        }

        if (_options.Savepoints || _options.NonTransactionalInSavepoint)
            At(0.1, () => RunSavepointTransactionAsync(connection, forceNonTransactional: _options.NonTransactionalInSavepoint, cancellationToken));
        if (_options.Xa)
        {
            At(0.15, () => RunXaTransactionAsync(connection, openConnection, XaEnd.CommitFromOtherConnection, cancellationToken));
            At(0.25, () => RunXaTransactionAsync(connection, openConnection, XaEnd.OnePhase, cancellationToken));
            At(0.35, () => RunXaTransactionAsync(connection, openConnection, XaEnd.RollbackAfterPrepare, cancellationToken));
        }

        if (_options.StatementFormat)
            At(0.45, () => RunStatementFormatTransactionAsync(connection, cancellationToken));
        if (_options.PrimaryKeyChanges)
            At(0.05, () => RunTransactionAsync(connection, 2, autocommit: false, rollback: false, cancellationToken, forcePrimaryKeyChange: true));

        for (var i = 0; i < count; i++)
        {
            if (scheduled.TryGetValue(i, out var steps))
            {
                foreach (var step in steps)
                    await step().ConfigureAwait(false);
            }

            var roll = _random.NextDouble();
            if (roll < 0.2)
                await RunTransactionAsync(connection, 1, autocommit: true, rollback: false, cancellationToken).ConfigureAwait(false);
            else if (roll < 0.28 && _options.Savepoints)
                await RunSavepointTransactionAsync(connection, forceNonTransactional: false, cancellationToken).ConfigureAwait(false);
            else if (roll < 0.31 && _options.Xa)
                await RunXaTransactionAsync(connection, openConnection, (XaEnd)_random.Next(3), cancellationToken).ConfigureAwait(false);
            else if (roll < 0.33 && _options.StatementFormat)
                await RunStatementFormatTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            else
                await RunTransactionAsync(connection, _random.Next(2, 7), autocommit: false, rollback: roll > 0.9 && _options.Rollbacks, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunDdlAsync(MySqlConnection connection, List<string> statements, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
            await RecordAsync(connection, [statement], committed: true, hasInsert: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The id sets of every table, copied (the working state of a transaction).</summary>
    private Dictionary<TableSpec, HashSet<int>> CopyIds(Dictionary<TableSpec, HashSet<int>>? from = null) =>
        (from ?? _tables.ToDictionary(t => t, t => t.Ids)).ToDictionary(p => p.Key, p => new HashSet<int>(p.Value));

    /// <summary>Restores a savepoint's id sets, except for non-transactional tables, whose changes stay.</summary>
    private static Dictionary<TableSpec, HashSet<int>> RestoreIds(Dictionary<TableSpec, HashSet<int>> savepoint, Dictionary<TableSpec, HashSet<int>> current)
    {
        var restored = savepoint.ToDictionary(p => p.Key, p => new HashSet<int>(p.Key.Transactional ? p.Value : current[p.Key]));
        foreach (var (table, ids) in current.Where(p => !restored.ContainsKey(p.Key)))
            restored[table] = ids;
        return restored;
    }

    /// <summary>What becomes of the rows a statement writes, which decides their ids.</summary>
    private enum RowFate
    {
        Kept,
        RolledBack,
        XaRolledBack,
    }

    private int NewId(TableSpec table, RowFate fate) => fate switch
    {
        RowFate.RolledBack => _nextRolledBackId++,
        RowFate.XaRolledBack => _nextXaRolledBackId++,
        _ => table.NextId++,
    };

    private static void Commit(Dictionary<TableSpec, HashSet<int>> pending)
    {
        foreach (var (table, ids) in pending)
            table.Ids = ids;
    }

    private async Task RunTransactionAsync(MySqlConnection connection, int statements, bool autocommit, bool rollback, CancellationToken cancellationToken, bool forcePrimaryKeyChange = false)
    {
        var sql = new List<string>();
        var pending = CopyIds();
        var hasInsert = false;
        if (!autocommit)
            await ExecuteAsync(connection, "START TRANSACTION", cancellationToken).ConfigureAwait(false);

        for (var s = 0; s < statements; s++)
        {
            // Non-transactional tables are only written by autocommit statements and inside savepoints: in a
            // transaction that rolls back they would keep their rows, which is a different test.
            var candidates = _tables.Where(t => t.Pickable && (autocommit || t.Transactional)).ToList();
            var table = candidates[_random.Next(candidates.Count)];
            hasInsert |= await RunStatementAsync(connection, table, pending, rollback ? RowFate.RolledBack : RowFate.Kept, sql, cancellationToken, forcePrimaryKeyChange && s == 0).ConfigureAwait(false);
        }

        if (!autocommit)
            await ExecuteAsync(connection, rollback ? "ROLLBACK" : "COMMIT", cancellationToken).ConfigureAwait(false);
        if (!rollback)
            Commit(pending);
        await RecordAsync(connection, sql, committed: !rollback, hasInsert, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One random INSERT, UPDATE (sometimes of the primary key), DELETE or, for the table without a key, a duplicate row.
    /// Returns true for an INSERT.
    /// </summary>
    private async Task<bool> RunStatementAsync(
        MySqlConnection connection, TableSpec table, Dictionary<TableSpec, HashSet<int>> pending, RowFate fate, List<string> sql, CancellationToken cancellationToken, bool forcePrimaryKeyChange = false)
    {
        var ids = pending[table];
        var forced = forcePrimaryKeyChange && ids.Count > 0;
        var choice = forced ? 10 : _random.Next(12);
        string statement;
        var insert = false;
        if (!forced && (choice < 5 || ids.Count < 4))
        {
            var rows = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => NewId(table, fate)).ToList();
            statement = table.InsertSql(_database, rows, _random);
            ids.UnionWith(rows);
            insert = true;
        }
        else if (choice < 8)
        {
            var targets = ids.OrderBy(id => id).Where(_ => _random.Next(ids.Count) < 3).Take(3).DefaultIfEmpty(ids.Min()).ToList();
            statement = table.UpdateSql(_database, targets, _random);
        }
        else if (choice == 8 && !table.HasPrimaryKey)
        {
            // An exact duplicate of an existing row: only a whole-row replay can tell the two apart.
            var target = ids.OrderBy(id => id).ElementAt(_random.Next(ids.Count));
            statement = $"INSERT INTO `{_database}`.`{table.Name}` SELECT * FROM `{_database}`.`{table.Name}` WHERE id = {target} LIMIT 1";
        }
        else if (choice >= 10 && (_options.PrimaryKeyChanges || forcePrimaryKeyChange) && table.HasPrimaryKey)
        {
            var target = ids.OrderBy(id => id).ElementAt(_random.Next(ids.Count));
            var newId = NewId(table, fate);
            statement = $"UPDATE `{_database}`.`{table.Name}` SET id = {newId} WHERE id = {target}";
            ids.Remove(target);
            ids.Add(newId);
        }
        else
        {
            var target = ids.OrderBy(id => id).ElementAt(_random.Next(ids.Count));
            statement = $"DELETE FROM `{_database}`.`{table.Name}` WHERE id = {target}";
            ids.Remove(target);
        }

        sql.Add(statement);
        await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        return insert;
    }

    /// <summary>
    /// A committed transaction with nested savepoints, each released or rolled back at random; with
    /// <see cref="WorkloadOptions.NonTransactionalInSavepoint"/>, a non-transactional table may be changed inside the
    /// outer savepoint (<paramref name="forceNonTransactional"/>: always, and the savepoint is rolled back).
    /// </summary>
    private async Task RunSavepointTransactionAsync(MySqlConnection connection, bool forceNonTransactional, CancellationToken cancellationToken)
    {
        var sql = new List<string>();
        var pending = CopyIds();
        var hasInsert = false;
        var transactional = _tables.Where(t => t.Pickable && t.Transactional).ToList();
        async Task Statements(int n)
        {
            for (var s = 0; s < n; s++)
                hasInsert |= await RunStatementAsync(connection, transactional[_random.Next(transactional.Count)], pending, RowFate.Kept, sql, cancellationToken).ConfigureAwait(false);
        }

        async Task Run(string statement)
        {
            sql.Add(statement);
            await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, "START TRANSACTION", cancellationToken).ConfigureAwait(false);
        await Statements(_random.Next(0, 3)).ConfigureAwait(false);
        await Run("SAVEPOINT sp1").ConfigureAwait(false);
        var atSp1 = CopyIds(pending);
        var insertAtSp1 = hasInsert;
        await Statements(_random.Next(1, 4)).ConfigureAwait(false);
        if (_random.Next(2) == 0)
        {
            await Run("SAVEPOINT sp2").ConfigureAwait(false);
            var atSp2 = CopyIds(pending);
            var insertAtSp2 = hasInsert;
            await Statements(_random.Next(1, 3)).ConfigureAwait(false);
            if (_random.Next(2) == 0)
            {
                await Run("ROLLBACK TO SAVEPOINT sp2").ConfigureAwait(false);
                pending = RestoreIds(atSp2, pending);
                hasInsert = insertAtSp2;
            }
            else
            {
                await Run("RELEASE SAVEPOINT sp2").ConfigureAwait(false);
            }
        }

        var nonTransactional = _tables.FirstOrDefault(t => !t.Transactional);
        var nonTransactionalInsert = false;
        if (nonTransactional is not null && (forceNonTransactional || _random.Next(3) == 0))
            nonTransactionalInsert = await RunStatementAsync(connection, nonTransactional, pending, RowFate.Kept, sql, cancellationToken).ConfigureAwait(false);
        if (forceNonTransactional || _random.Next(2) == 0)
        {
            await Run("ROLLBACK TO SAVEPOINT sp1").ConfigureAwait(false);
            pending = RestoreIds(atSp1, pending);
            hasInsert = insertAtSp1;
        }
        else
        {
            await Run("RELEASE SAVEPOINT sp1").ConfigureAwait(false);
        }

        await Statements(_random.Next(0, 3)).ConfigureAwait(false);
        await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        Commit(pending);
        await RecordAsync(connection, sql, committed: true, hasInsert || nonTransactionalInsert, cancellationToken).ConfigureAwait(false);
    }

    private enum XaEnd
    {
        CommitFromOtherConnection,
        OnePhase,
        RollbackAfterPrepare,
    }

    /// <summary>
    /// An XA transaction. Prepared ones are prepared on a connection of their own, which then disconnects (the prepared
    /// transaction survives it), and are committed or rolled back from <paramref name="connection"/>.
    /// </summary>
    private async Task RunXaTransactionAsync(MySqlConnection connection, Func<CancellationToken, Task<MySqlConnection>>? openConnection, XaEnd end, CancellationToken cancellationToken)
    {
        var xid = string.Create(CultureInfo.InvariantCulture, $"'vgate-xa-{Seed}-{++_xaCount}'");
        var rollback = end == XaEnd.RollbackAfterPrepare;
        var sql = new List<string>();
        var pending = CopyIds();
        var hasInsert = false;
        var transactional = _tables.Where(t => t.Pickable && t.Transactional).ToList();
        var worker = end == XaEnd.OnePhase || openConnection is null ? connection : await openConnection(cancellationToken).ConfigureAwait(false);
        string? prepareGtid = null;
        try
        {
            await ExecuteAsync(worker, $"XA START {xid}", cancellationToken).ConfigureAwait(false);
            // Rows of a rolled-back XA transaction do reach the binlog (in its XA PREPARE group): they get their own id range.
            for (var s = _random.Next(1, 5); s > 0; s--)
                hasInsert |= await RunStatementAsync(worker, transactional[_random.Next(transactional.Count)], pending, rollback ? RowFate.XaRolledBack : RowFate.Kept, sql, cancellationToken).ConfigureAwait(false);

            await ExecuteAsync(worker, $"XA END {xid}", cancellationToken).ConfigureAwait(false);
            if (end == XaEnd.OnePhase)
            {
                await ExecuteAsync(worker, $"XA COMMIT {xid} ONE PHASE", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(worker, $"XA PREPARE {xid}", cancellationToken).ConfigureAwait(false);
                await using var command = new MySqlCommand("SELECT @@last_gtid", worker);
                prepareGtid = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            if (!ReferenceEquals(worker, connection))
            {
                var workerThread = worker.ServerThread;
                await worker.DisposeAsync().ConfigureAwait(false);
                await WaitForSessionEndAsync(connection, workerThread, cancellationToken).ConfigureAwait(false);
            }
        }

        if (end != XaEnd.OnePhase)
            await FinishPreparedAsync(connection, $"XA {(rollback ? "ROLLBACK" : "COMMIT")} {xid}", cancellationToken).ConfigureAwait(false);
        if (!rollback)
            Commit(pending);
        sql.Insert(0, $"XA START {xid} ({end})");
        if (end == XaEnd.OnePhase)
        {
            await RecordAsync(connection, sql, committed: true, hasInsert, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The rows are in the XA PREPARE group; the XA COMMIT/ROLLBACK group has none.
            _transactions.Add(new WorkloadTransaction(_transactions.Count + 1, prepareGtid, Committed: !rollback, hasInsert, sql) { XaRolledBack = rollback });
            await RecordAsync(connection, [$"XA {(rollback ? "ROLLBACK" : "COMMIT")} {xid}"], committed: true, hasInsert: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the server has ended the session <paramref name="threadId"/> (closed by the client). A prepared XA
    /// transaction finished from another connection while its own session was still closing was once left behind as a
    /// RUNNING InnoDB transaction of no session, holding its row locks: later statements hit lock wait timeouts
    /// (seen in clean-clone runs on MariaDB 10.11; the error now lists the open transactions).
    /// </summary>
    private static async Task WaitForSessionEndAsync(MySqlConnection connection, int threadId, CancellationToken cancellationToken)
    {
        var deadline = System.DateTime.UtcNow + VGate.Testing.TestDeadline.Default;
        while (true)
        {
            await using var command = new MySqlCommand(
                FormattableString.Invariant($"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = {threadId}"), connection);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
                return;
            if (System.DateTime.UtcNow >= deadline)
                throw new InvalidOperationException(FormattableString.Invariant($"The server did not end session {threadId} after the client closed it."));
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// XA COMMIT/ROLLBACK of a transaction prepared on a connection that has just closed: the server detaches the
    /// prepared transaction from that connection's thread asynchronously, and until it has, the XID is unknown
    /// (XAER_NOTA). Polled with a deadline.
    /// </summary>
    private async Task FinishPreparedAsync(MySqlConnection connection, string statement, CancellationToken cancellationToken)
    {
        var deadline = System.DateTime.UtcNow + VGate.Testing.TestDeadline.Default;
        while (true)
        {
            try
            {
                await using var command = new MySqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.XAERNotA && System.DateTime.UtcNow < deadline)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException ex)
            {
                throw new InvalidOperationException(FormattableString.Invariant($"seed {Seed}, transaction #{_transactions.Count + 1}: {ex.Message} in {statement}"), ex);
            }
        }
    }

    /// <summary>A transaction logged as statements (<c>binlog_format=STATEMENT</c> for the session), then back to ROW.</summary>
    private async Task RunStatementFormatTransactionAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var table = Table("sbr");
        var sql = new List<string>();
        var pending = CopyIds();
        await ExecuteAsync(connection, "SET SESSION binlog_format = 'STATEMENT'", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "START TRANSACTION", cancellationToken).ConfigureAwait(false);
            for (var s = _random.Next(1, 4); s > 0; s--)
                await RunStatementAsync(connection, table, pending, RowFate.Kept, sql, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ExecuteAsync(connection, "SET SESSION binlog_format = 'ROW'", cancellationToken).ConfigureAwait(false);
        }

        Commit(pending);
        // Logged as statements: the binlog has no row events for it.
        await RecordAsync(connection, sql, committed: true, hasInsert: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>CREATE TABLE … SELECT from <c>ints</c>: a new table whose rows come with its DDL.</summary>
    private async Task RunCreateTableAsSelectAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var source = Table("ints");
        var name = string.Create(CultureInfo.InvariantCulture, $"ctas{++_ctasCount}");
        var columns = source.Columns.Where(c => c.Name is "i" or "bi" or "y" or "b13" or "biu").ToList();
        var table = new TableSpec(name, [.. columns]) { Ids = [.. source.Ids], NextId = source.NextId };
        var statement = $"CREATE TABLE `{_database}`.`{name}` (PRIMARY KEY (id)) ENGINE=InnoDB AS SELECT id, " +
            string.Join(", ", columns.Select(c => $"`{c.Name}`")) + $" FROM `{_database}`.ints";
        await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        _tables.Add(table);
        await RecordAsync(connection, [statement], committed: true, hasInsert: source.Ids.Count > 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction inserting <see cref="WorkloadOptions.LargeTransactionRows"/> rows into <c>big</c>. The binary
    /// <c>pad</c> holds no backslash, so that neither it nor its reverse holds <c>\x</c> (see the class remarks).
    /// </summary>
    private async Task RunLargeInsertAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var table = Table("big");
        var rows = _options.LargeTransactionRows;
        var first = table.NextId;
        var statement = string.Create(CultureInfo.InvariantCulture,
            $"INSERT INTO `{_database}`.big (id, n, v, pad) SELECT seq + {first - 1}, seq * 7 % 1000003, CONCAT('row ', seq, ' ', REPEAT('x', seq % 23)), " +
            $"IF(seq % 5 = 0, NULL, REPLACE(UNHEX(SHA2(seq, 256)), x'5C', x'2F')) FROM `{_database}`.seq_1_to_{rows}");
        await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        table.Ids.UnionWith(Enumerable.Range(first, rows));
        table.NextId = first + rows;
        await RecordAsync(connection, [statement], committed: true, hasInsert: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One transaction updating every row of <c>big</c> (before and after images of each).</summary>
    private async Task RunLargeUpdateAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var statement = $"UPDATE `{_database}`.big SET n = n + 1, v = CONCAT(v, '+'), pad = REVERSE(pad)";
        await ExecuteAsync(connection, "START TRANSACTION", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"DELETE FROM `{_database}`.big WHERE id % 97 = 0", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        Table("big").Ids.RemoveWhere(id => id % 97 == 0);
        await RecordAsync(connection, [statement, "DELETE … WHERE id % 97 = 0"], committed: true, hasInsert: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(MySqlConnection connection, List<string> sql, bool committed, bool hasInsert, CancellationToken cancellationToken)
    {
        string? gtid = null;
        if (committed)
        {
            await using var command = new MySqlCommand("SELECT @@last_gtid", connection);
            gtid = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

            // A transaction that changed no row (an UPDATE to the same values, say) writes nothing to the binlog
            // and leaves @@last_gtid at the previous transaction's GTID.
            if (gtid == _lastGtid)
                gtid = null;
            else
                _lastGtid = gtid;
        }

        _transactions.Add(new WorkloadTransaction(_transactions.Count + 1, gtid, committed, hasInsert, sql));
    }

    private async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 0 };
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            // A lock wait timeout has come up rarely in full parallel runs (never alone): say who held the locks.
            var holders = ex.ErrorCode == MySqlErrorCode.LockWaitTimeout ? " " + await DescribeLockHoldersAsync(connection).ConfigureAwait(false) : "";
            throw new InvalidOperationException(
                FormattableString.Invariant($"seed {Seed}, transaction #{_transactions.Count + 1}: {ex.Message} in {(sql.Length > 500 ? sql[..500] + "…" : sql)}{holders}"), ex);
        }
    }

    /// <summary>The server's open InnoDB transactions and prepared XA transactions, as one line for an error message.</summary>
    private static async Task<string> DescribeLockHoldersAsync(MySqlConnection connection)
    {
        var text = new StringBuilder();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var (label, sql) in new[]
            {
                ("open InnoDB transactions", "SELECT trx_id, trx_state, trx_started, trx_mysql_thread_id, trx_rows_locked, LEFT(trx_query, 200) FROM information_schema.INNODB_TRX"),
                ("prepared XA transactions", "XA RECOVER"),
                ("sessions", "SELECT id, command, time, state, LEFT(info, 200) FROM information_schema.PROCESSLIST"),
            })
            {
                text.Append(label).Append(": ");
                await using var command = new MySqlCommand(sql, connection);
                await using var reader = await command.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
                while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    text.Append('[');
                    for (var i = 0; i < reader.FieldCount; i++)
                        text.Append(i == 0 ? "" : ", ").Append(reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) switch
                        {
                            byte[] bytes => Encoding.UTF8.GetString(bytes), // XA RECOVER's data: the XID
                            var value => Convert.ToString(value, CultureInfo.InvariantCulture),
                        });
                    text.Append("] ");
                }
                text.Append("; ");
            }
        }
        catch (Exception ex) when (ex is MySqlException or OperationCanceledException or InvalidOperationException)
        {
            text.Append("(could not read: ").Append(ex.Message).Append(')');
        }
        return text.ToString();
    }

    private List<string> AddColumns()
    {
        var ints = Table("ints");
        ints.Columns.Insert(1, Col("extra_txt", "VARCHAR(30) CHARACTER SET latin1", r => Latin1(r, 30)));
        ints.Columns.Add(Col("extra_dec", "DECIMAL(8,3)", r => Decimal(r, 8, 3, unsigned: false)));
        var times = Table("times");
        times.Columns.Add(Col("extra_y", "YEAR NOT NULL DEFAULT 2000", Year, nullable: false));
        _addedColumnDefaults[("ints", "extra_txt")] = null;
        _addedColumnDefaults[("ints", "extra_dec")] = null;
        _addedColumnDefaults[("times", "extra_y")] = "2000";
        return
        [
            $"ALTER TABLE `{_database}`.ints ADD COLUMN extra_txt VARCHAR(30) CHARACTER SET latin1 NULL AFTER ti, ADD COLUMN extra_dec DECIMAL(8,3) NULL",
            $"ALTER TABLE `{_database}`.times ADD COLUMN extra_y YEAR NOT NULL DEFAULT 2000",
        ];
    }

    private List<string> DropColumns()
    {
        Table("strs").Columns.RemoveAll(c => c.Name == "c255");
        Table("reals").Columns.RemoveAll(c => c.Name == "d19_0");
        return
        [
            $"ALTER TABLE `{_database}`.strs DROP COLUMN c255",
            $"ALTER TABLE `{_database}`.reals DROP COLUMN d19_0",
        ];
    }

    private List<string> ModifyColumns()
    {
        // VARCHAR(60) -> VARCHAR(400) moves the length prefix from 1 to 2 bytes; FLOAT -> DOUBLE and
        // SMALLINT -> INT change the wire type; TIME(3) -> TIME(6) changes the fraction size. Existing values fit.
        Replace(Table("strs"), Col("vc", "VARCHAR(400)", r => Utf8(r, 400)));
        Replace(Table("reals"), Col("f", "DOUBLE", Double));
        Replace(Table("ints"), Col("si", "INT", r => Int(r, int.MinValue, int.MaxValue)));
        Replace(Table("times"), Col("tm3", "TIME(6)", r => Time(r, 6)));
        return
        [
            $"ALTER TABLE `{_database}`.strs MODIFY vc VARCHAR(400)",
            $"ALTER TABLE `{_database}`.reals MODIFY f DOUBLE",
            $"ALTER TABLE `{_database}`.ints MODIFY si INT",
            $"ALTER TABLE `{_database}`.times MODIFY tm3 TIME(6)",
        ];
    }

    private List<string> CreateTable()
    {
        var table = new TableSpec("late",
        [
            Col("u8", "TINYINT UNSIGNED NOT NULL DEFAULT 7", r => UInt(r, byte.MaxValue), nullable: false),
            Col("name", "VARCHAR(40) CHARACTER SET latin1", r => Latin1(r, 40)),
            Col("bin", "BINARY(3)", r => Binary(r, 3)),
            Col("amount", "DECIMAL(20,6)", r => Decimal(r, 20, 6, unsigned: false)),
            Col("at", "DATETIME(3)", r => DateTime(r, 3)),
            Col("stamp", "TIMESTAMP(6) NULL", r => Timestamp(r, 6)),
            Col("flags", "BIT(10)", r => Bit(r, 10)),
            Col("doc", "JSON", Json),
            Col("blob", "MEDIUMBLOB", r => Bytes(r, 1000)),
        ]);
        _tables.Add(table);
        return [table.CreateSql(_database)];
    }

    private TableSpec Table(string name) => _tables.Single(t => t.Name == name);

    private static void Replace(TableSpec table, ColumnSpec column) =>
        table.Columns[table.Columns.FindIndex(c => c.Name == column.Name)] = column;

    private static ColumnSpec Col(string name, string sqlType, Func<Random, string> generate, bool nullable = true) =>
        new(name, sqlType, nullable, generate);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Int(Random r, long min, long max) => r.Next(7) switch
    {
        0 => Invariant($"{min}"),
        1 => Invariant($"{max}"),
        2 => "0",
        3 => "-1",
        _ => Invariant($"{r.NextInt64(min, max)}"),
    };

    private static string UInt(Random r, ulong max) => r.Next(5) switch
    {
        0 => "0",
        1 => Invariant($"{max}"),
        2 => Invariant($"{max / 2 + 1}"),
        _ => Invariant($"{(((ulong)r.NextInt64() << 1) | (uint)r.Next(2)) % max}"),
    };

    private string Year(Random r) => r.Next(5) switch
    {
        0 => _options.ZeroYear ? "0" : "1901",
        1 => "1901",
        2 => "2155",
        _ => Invariant($"{r.Next(1901, 2156)}"),
    };

    private static string Bit(Random r, int bits)
    {
        var mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var value = r.Next(5) switch
        {
            0 => 0UL,
            1 => mask,
            2 => 1UL << (bits - 1),
            _ => (ulong)r.NextInt64() ^ ((ulong)(uint)r.Next() << 40),
        } & mask;
        return "b'" + Convert.ToString((long)value, 2) + "'";
    }

    private static string Float(Random r)
    {
        var value = r.Next(10) switch
        {
            0 => float.MaxValue,
            1 => -float.MaxValue,
            2 => 1.17549435E-38f,
            3 => float.Epsilon,
            4 => 0f,
            5 => (float)Math.Round(r.NextDouble() * 1000, r.Next(4)) * (r.Next(2) == 0 ? 1 : -1),
            6 => 16777217f,
            _ => (float)((r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-38, 38))),
        };
        return ((double)value).ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Double(Random r)
    {
        var value = r.Next(10) switch
        {
            0 => double.MaxValue,
            1 => -double.MaxValue,
            2 => 2.2250738585072014E-308,
            3 => double.Epsilon,
            4 => 0d,
            5 => Math.Round(r.NextDouble() * 1e6, r.Next(6)) * (r.Next(2) == 0 ? 1 : -1),
            6 => 0.1 + 0.2,
            _ => (r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-307, 307)),
        };
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Decimal(Random r, int precision, int scale, bool unsigned)
    {
        var intDigits = precision - scale;
        string Digits(int n, bool extreme) => n == 0 ? "" : extreme ? new string('9', n) : string.Concat(Enumerable.Range(0, n).Select(_ => (char)('0' + r.Next(10))));
        var kind = r.Next(6);
        var extreme = kind == 0;
        var integer = kind == 1 ? "0" : Digits(r.Next(extreme ? intDigits : 0, intDigits + 1), extreme);
        var fraction = kind == 2 ? "" : Digits(r.Next(extreme ? scale : 0, scale + 1), extreme);
        if (kind == 3)
        {
            integer = "0";
            fraction = scale == 0 ? "" : new string('0', scale - 1) + "1";
        }

        var text = (integer.Length == 0 ? "0" : integer) + (fraction.Length == 0 ? "" : "." + fraction);
        return !unsigned && r.Next(2) == 0 ? "-" + text : text;
    }

    private static string Date(Random r) => r.Next(8) switch
    {
        0 => "'0000-00-00'",
        1 => "'1000-01-01'",
        2 => "'9999-12-31'",
        3 => "'0001-01-01'",
        _ => Invariant($"'{new DateOnly(1000, 1, 1).AddDays(r.Next(3_287_181)):yyyy-MM-dd}'"),
    };

    private static string Fraction(Random r, int fsp, bool max = false) =>
        fsp == 0 ? "" : "." + (max ? new string('9', fsp) : r.Next((int)Math.Pow(10, fsp)).ToString(new string('0', fsp), CultureInfo.InvariantCulture));

    private static string Time(Random r, int fsp) => r.Next(6) switch
    {
        0 => "'-838:59:59" + Fraction(r, fsp, max: true) + "'",
        1 => "'838:59:59" + Fraction(r, fsp, max: true) + "'",
        2 => "'-00:00:00" + (fsp == 0 ? "" : "." + new string('0', fsp - 1) + "1") + "'",
        _ => Invariant($"'{(r.Next(2) == 0 ? "-" : "")}{r.Next(839)}:{r.Next(60):00}:{r.Next(60):00}{Fraction(r, fsp)}'"),
    };

    private static string DateTime(Random r, int fsp) => r.Next(7) switch
    {
        0 => "'0000-00-00 00:00:00'",
        1 => "'1000-01-01 00:00:00'",
        2 => "'9999-12-31 23:59:59" + Fraction(r, fsp, max: true) + "'",
        _ => Invariant($"'{new System.DateTime(1000, 1, 1).AddSeconds(r.NextInt64(284_012_524_800L)):yyyy-MM-dd HH:mm:ss}{Fraction(r, fsp)}'"),
    };

    private static string Timestamp(Random r, int fsp) => r.Next(7) switch
    {
        0 => "'0000-00-00 00:00:00'",
        1 => "'1970-01-01 00:00:01'",
        2 => "'2038-01-19 03:14:07" + Fraction(r, fsp, max: true) + "'",
        _ => Invariant($"'{System.DateTime.UnixEpoch.AddSeconds(r.NextInt64(1, int.MaxValue)):yyyy-MM-dd HH:mm:ss}{Fraction(r, fsp)}'"),
    };

    private static int Length(Random r, int max) => r.Next(10) switch
    {
        0 => 0,
        1 => max,
        _ => r.Next(Math.Min(max, 24) + 1),
    };

    /// <summary>A utf8mb4 string of at most <paramref name="maxChars"/> characters (code points).</summary>
    private static string Utf8(Random r, int maxChars) => Text(r, maxChars, Charsets["utf8mb4"]);

    /// <summary>A string of at most <paramref name="maxChars"/> characters in a character set, as <c>_cs x'…'</c>.</summary>
    private static string Text(Random r, int maxChars, Charset charset)
    {
        var length = Length(r, maxChars);
        var text = new StringBuilder();
        var chars = 0;
        while (chars < length)
        {
            var piece = charset.Pieces[r.Next(charset.Pieces.Length)];
            var pieceChars = piece.EnumerateRunes().Count();
            if (chars + pieceChars > length)
                piece = "x";
            text.Append(piece);
            chars += piece.EnumerateRunes().Count();
        }

        return $"_{charset.Name} " + Hex(charset.Encoding.GetBytes(text.ToString()));
    }

    /// <summary>A utf8mb4 string of at most <paramref name="maxBytes"/> bytes (TEXT types count bytes).</summary>
    private static string Utf8Bytes(Random r, int maxBytes)
    {
        var length = r.Next(30) == 0 ? maxBytes : Length(r, Math.Min(maxBytes, 300));
        var bytes = new List<byte>();
        while (true)
        {
            var piece = Encoding.UTF8.GetBytes(Utf8Pieces[r.Next(Utf8Pieces.Length)]);
            if (bytes.Count + piece.Length > length)
                break;
            bytes.AddRange(piece);
        }

        return "_utf8mb4 " + Hex([.. bytes]);
    }

    private static string Latin1(Random r, int maxChars) => Text(r, maxChars, Charsets["latin1"]);

    private static string Bytes(Random r, int maxLength)
    {
        var length = maxLength > 1000 && r.Next(30) == 0 ? maxLength : Length(r, Math.Min(maxLength, 300));
        var bytes = new byte[length];
        switch (r.Next(4))
        {
            case 0:
                Array.Fill(bytes, (byte)0);
                break;
            case 1:
                r.NextBytes(bytes);
                if (length > 1)
                    bytes[^1] = 0;
                break;
            default:
                r.NextBytes(bytes);
                break;
        }

        return Hex(bytes);
    }

    private static string Enum(Random r, int members) =>
        r.Next(8) == 0 ? "''" : Invariant($"{r.Next(1, members + 1)}");

    private static string Set(Random r, int members) => r.Next(5) switch
    {
        0 => "''",
        1 => members == 64 ? Invariant($"{ulong.MaxValue}") : Invariant($"{(1UL << members) - 1}"),
        _ => Invariant($"{(ulong)r.NextInt64() & (members == 64 ? ulong.MaxValue : (1UL << members) - 1)}"),
    };

    private static string Json(Random r)
    {
        static string Value(Random r, int depth) => r.Next(depth > 2 ? 5 : 8) switch
        {
            0 => "null",
            1 => r.Next(2) == 0 ? "true" : "false",
            2 => Invariant($"{r.Next(-1000, 1000)}"),
            3 => Invariant($"{r.NextDouble() * 1e6:R}"),
            4 => System.Text.Json.JsonSerializer.Serialize(string.Concat(Enumerable.Range(0, r.Next(6)).Select(_ => Utf8Pieces[r.Next(Utf8Pieces.Length)]))),
            5 or 6 => "[" + string.Join(", ", Enumerable.Range(0, r.Next(4)).Select(_ => Value(r, depth + 1))) + "]",
            _ => "{" + string.Join(", ", Enumerable.Range(0, r.Next(4)).Select(i => Invariant($"\"k{i}\": {Value(r, depth + 1)}"))) + "}",
        };
        return "_utf8mb4 " + Hex(Encoding.UTF8.GetBytes(Value(r, 0)));
    }

    private static string Coordinate(Random r) => r.Next(4) switch
    {
        0 => "0",
        1 => "-180",
        _ => Invariant($"{Math.Round((r.NextDouble() - 0.5) * 360, r.Next(8)):R}"),
    };

    private static string Srid(Random r) => r.Next(3) == 0 ? ", 4326" : "";

    private static string Point(Random r, string? srid = null) =>
        $"ST_GeomFromText('POINT({Coordinate(r)} {Coordinate(r)})'{srid ?? Srid(r)})";

    private static string LineString(Random r) =>
        $"ST_GeomFromText('LINESTRING({string.Join(", ", Enumerable.Range(0, r.Next(2, 6)).Select(_ => Coordinate(r) + " " + Coordinate(r)))})'{Srid(r)})";

    private static string Polygon(Random r)
    {
        var x = r.Next(-100, 100);
        var y = r.Next(-80, 80);
        var size = r.Next(1, 20);
        return Invariant($"ST_GeomFromText('POLYGON(({x} {y}, {x + size} {y}, {x + size} {y + size}, {x} {y + size}, {x} {y}))'{Srid(r)})");
    }

    private static string Geometry(Random r) => r.Next(4) switch
    {
        0 => Point(r),
        1 => LineString(r),
        2 => Polygon(r),
        _ => $"ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING({Coordinate(r)} 0, 3 4))')",
    };

    private static string[] Bmp(string[] pieces) => [.. pieces.Where(p => p.EnumerateRunes().All(rune => rune.IsBmp))];

    private string Inet6(Random r) => r.Next(4) switch
    {
        0 when _options.BinaryPadding => "'::'",
        1 => "'::ffff:192.0.2.1'",
        // Without BinaryPadding the last byte is never 0 (the server strips trailing zero bytes of fixed binary values).
        _ => "'" + string.Join(":", Enumerable.Range(0, 8).Select(i => (r.Next(65536) | (i == 7 && !_options.BinaryPadding ? 1 : 0)).ToString("x", CultureInfo.InvariantCulture))) + "'",
    };

    private string Uuid(Random r)
    {
        var bytes = new byte[16];
        r.NextBytes(bytes);
        if (!_options.BinaryPadding)
            bytes[15] |= 1;
        return r.Next(5) == 0 && _options.BinaryPadding ? "'00000000-0000-0000-0000-000000000000'" : "'" + new Guid(bytes).ToString() + "'";
    }

    /// <summary>
    /// A BINARY(n) value: shorter than n, all zeros or ending in zero bytes (the server pads and strips them), unless
    /// <see cref="WorkloadOptions.BinaryPadding"/> is off, in which case exactly n bytes with a non-zero last byte.
    /// </summary>
    private string Binary(Random r, int length)
    {
        if (_options.BinaryPadding)
            return Bytes(r, length);
        var bytes = new byte[length];
        r.NextBytes(bytes);
        bytes[^1] |= 1;
        return Hex(bytes);
    }

    /// <summary><c>x'…'</c> of the bytes after <see cref="Sanitize"/>.</summary>
    private static string Hex(byte[] bytes) => "x'" + Convert.ToHexString(Sanitize(bytes)) + "'";

    /// <summary>Replaces <c>\x</c> with <c>\y</c>, see the class remarks.</summary>
    private static byte[] Sanitize(byte[] bytes)
    {
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\\' && bytes[i + 1] == (byte)'x')
                bytes[i + 1] = (byte)'y';
        }

        return bytes;
    }
}

/// <summary>
/// One executed transaction: its number (1-based), the GTID it got (null when rolled back or when it changed nothing),
/// its SQL.
/// </summary>
public sealed record WorkloadTransaction(int Number, string? Gtid, bool Committed, bool HasInsert, IReadOnlyList<string> Sql)
{
    /// <summary>An XA transaction rolled back after XA PREPARE: its rows are in the binlog under <see cref="Gtid"/>.</summary>
    public bool XaRolledBack { get; init; }
}

/// <summary>A character set: its SQL name, .NET encoding and the string pieces the generator may use in it.</summary>
public sealed record Charset(string Name, Encoding Encoding, string[] Pieces);

/// <summary>A column of a workload table and how to make random values (SQL literals) for it.</summary>
public sealed record ColumnSpec(string Name, string SqlType, bool Nullable, Func<Random, string> Generate);

/// <summary>A workload table: an <c>id INT PRIMARY KEY</c> (or a plain <c>id INT</c>) plus <see cref="Columns"/>, and the ids it holds.</summary>
public sealed class TableSpec(string name, List<ColumnSpec> columns)
{
    public string Name { get; } = name;

    /// <summary>False for a table without a primary key (its <c>id</c> is not even unique: rows may be duplicated).</summary>
    public bool HasPrimaryKey { get; init; } = true;

    /// <summary>The storage engine; Aria and MyISAM are not transactional.</summary>
    public string Engine { get; init; } = "InnoDB";

    public bool Transactional => Engine == "InnoDB";

    /// <summary>False for tables only written by dedicated transactions (the large ones).</summary>
    public bool Pickable { get; init; } = true;

    public List<ColumnSpec> Columns { get; } = columns;

    public HashSet<int> Ids { get; set; } = [];

    public int NextId { get; set; } = 1;

    public string CreateSql(string database) =>
        $"CREATE TABLE `{database}`.`{Name}` (id INT NOT NULL{(HasPrimaryKey ? " PRIMARY KEY" : "")}, " +
        string.Join(", ", Columns.Select(c => $"`{c.Name}` {c.SqlType}")) + $") ENGINE={Engine} DEFAULT CHARSET=utf8mb4";

    public string InsertSql(string database, IReadOnlyList<int> ids, Random random) =>
        $"INSERT INTO `{database}`.`{Name}` (id, {string.Join(", ", Columns.Select(c => $"`{c.Name}`"))}) VALUES " +
        string.Join(", ", ids.Select(id => FormattableString.Invariant($"({id}, ") + string.Join(", ", Columns.Select(c => Value(c, random))) + ")"));

    public string UpdateSql(string database, IReadOnlyList<int> ids, Random random)
    {
        var columns = Columns.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
        return $"UPDATE `{database}`.`{Name}` SET {string.Join(", ", columns.Select(c => $"`{c.Name}` = {Value(c, random)}"))} " +
            $"WHERE id IN ({string.Join(", ", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)))})";
    }

    private static string Value(ColumnSpec column, Random random) =>
        column.Nullable && random.Next(10) == 0 ? "NULL" : column.Generate(random);
}
