using System.Globalization;
using System.Text;
using MySqlConnector;

namespace VGate.IntegrationTests.Replication;

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
/// indistinguishable from a newline byte in its output (see <see cref="MariaDbBinlogOutputParser"/>).
/// </para>
/// <para>
/// Rows inserted by transactions that end in ROLLBACK get ids from <see cref="RolledBackIdBase"/> up, so a test
/// can check that none of them reaches the binlog.
/// </para>
/// </remarks>
public sealed class RandomWorkload
{
    /// <summary>Ids at or above this value are only ever inserted by rolled-back transactions.</summary>
    public const int RolledBackIdBase = 1_000_000;

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
    private int _nextRolledBackId = RolledBackIdBase;
    private string? _lastGtid;

    public RandomWorkload(int seed, string database)
    {
        Seed = seed;
        _database = database;
        _random = new Random(seed);
    }

    public int Seed { get; }

    /// <summary>The tables as they are now (after the DDL run so far).</summary>
    public IReadOnlyList<TableSpec> Tables => _tables;

    /// <summary>Everything that was executed, in order (DDL counts as a transaction of its own).</summary>
    public IReadOnlyList<WorkloadTransaction> Transactions => _transactions;

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
            Col("bn", "BINARY(8)", r => Bytes(r, 8)),
            Col("vb", "VARBINARY(200)", r => Bytes(r, 200)),
            Col("vb2", "VARBINARY(400)", r => Bytes(r, 400)),
            Col("e", "ENUM('a','bb','ü','x y')", r => Enum(r, 4)),
            Col("e300", "ENUM(" + string.Join(",", Enumerable.Range(0, 300).Select(i => $"'m{i}'")) + ")", r => Enum(r, 300)),
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
        return _tables.Select(t => t.CreateSql(_database)).ToList();
    }

    /// <summary>
    /// Runs <paramref name="count"/> transactions (plus the scheduled DDL) on <paramref name="connection"/>, which
    /// must have <c>time_zone='+00:00'</c> and a non-strict <c>sql_mode</c> allowing zero dates.
    /// </summary>
    public async Task RunAsync(MySqlConnection connection, int count, CancellationToken cancellationToken)
    {
        var ddl = new Dictionary<int, Func<List<string>>>
        {
            [count / 5] = AddColumns,
            [count * 2 / 5] = DropColumns,
            [count * 11 / 20] = ModifyColumns,
            [count * 7 / 10] = CreateTable,
        };
        for (var i = 0; i < count; i++)
        {
            if (ddl.TryGetValue(i, out var makeDdl))
            {
                foreach (var statement in makeDdl())
                {
                    await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
                    await RecordAsync(connection, [statement], committed: true, hasInsert: false, cancellationToken).ConfigureAwait(false);
                }
            }

            var roll = _random.NextDouble();
            if (roll < 0.2)
                await RunTransactionAsync(connection, 1, autocommit: true, rollback: false, cancellationToken).ConfigureAwait(false);
            else
                await RunTransactionAsync(connection, _random.Next(2, 7), autocommit: false, rollback: roll > 0.9, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunTransactionAsync(MySqlConnection connection, int statements, bool autocommit, bool rollback, CancellationToken cancellationToken)
    {
        var sql = new List<string>();
        var pending = _tables.ToDictionary(t => t, t => new HashSet<int>(t.Ids));
        var hasInsert = false;
        if (!autocommit)
        {
            await ExecuteAsync(connection, "START TRANSACTION", cancellationToken).ConfigureAwait(false);
        }

        for (var s = 0; s < statements; s++)
        {
            var table = _tables[_random.Next(_tables.Count)];
            var ids = pending[table];
            var choice = _random.Next(10);
            string statement;
            if (choice < 5 || ids.Count < 4)
            {
                var rows = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => rollback ? _nextRolledBackId++ : table.NextId++).ToList();
                statement = table.InsertSql(_database, rows, _random);
                ids.UnionWith(rows);
                hasInsert = true;
            }
            else if (choice < 8)
            {
                var targets = ids.OrderBy(id => id).Where(_ => _random.Next(ids.Count) < 3).Take(3).DefaultIfEmpty(ids.Min()).ToList();
                statement = table.UpdateSql(_database, targets, _random);
            }
            else
            {
                var target = ids.OrderBy(id => id).ElementAt(_random.Next(ids.Count));
                statement = $"DELETE FROM `{_database}`.`{table.Name}` WHERE id = {target}";
                ids.Remove(target);
            }

            sql.Add(statement);
            await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        }

        if (!autocommit)
            await ExecuteAsync(connection, rollback ? "ROLLBACK" : "COMMIT", cancellationToken).ConfigureAwait(false);
        if (!rollback)
        {
            foreach (var (table, ids) in pending)
                table.Ids = ids;
        }

        await RecordAsync(connection, sql, committed: !rollback, hasInsert, cancellationToken).ConfigureAwait(false);
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
        await using var command = new MySqlCommand(sql, connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            throw new InvalidOperationException(
                FormattableString.Invariant($"seed {Seed}, transaction #{_transactions.Count + 1}: {ex.Message} in {(sql.Length > 500 ? sql[..500] + "…" : sql)}"), ex);
        }
    }

    private List<string> AddColumns()
    {
        var ints = Table("ints");
        ints.Columns.Insert(1, Col("extra_txt", "VARCHAR(30) CHARACTER SET latin1", r => Latin1(r, 30)));
        ints.Columns.Add(Col("extra_dec", "DECIMAL(8,3)", r => Decimal(r, 8, 3, unsigned: false)));
        var times = Table("times");
        times.Columns.Add(Col("extra_y", "YEAR NOT NULL DEFAULT 2000", Year, nullable: false));
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
            Col("bin", "BINARY(3)", r => Bytes(r, 3)),
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

    private static string Year(Random r) => r.Next(5) switch
    {
        0 => "0",
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

    private static string Inet6(Random r) => r.Next(4) switch
    {
        0 => "'::'",
        1 => "'::ffff:192.0.2.1'",
        _ => "'" + string.Join(":", Enumerable.Range(0, 8).Select(_ => r.Next(65536).ToString("x", CultureInfo.InvariantCulture))) + "'",
    };

    private static string Uuid(Random r)
    {
        var bytes = new byte[16];
        r.NextBytes(bytes);
        return r.Next(5) == 0 ? "'00000000-0000-0000-0000-000000000000'" : "'" + new Guid(bytes).ToString() + "'";
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
public sealed record WorkloadTransaction(int Number, string? Gtid, bool Committed, bool HasInsert, IReadOnlyList<string> Sql);

/// <summary>A character set: its SQL name, .NET encoding and the string pieces the generator may use in it.</summary>
public sealed record Charset(string Name, Encoding Encoding, string[] Pieces);

/// <summary>A column of a workload table and how to make random values (SQL literals) for it.</summary>
public sealed record ColumnSpec(string Name, string SqlType, bool Nullable, Func<Random, string> Generate);

/// <summary>A workload table: an <c>id INT PRIMARY KEY</c> plus <see cref="Columns"/>, and the ids it holds.</summary>
public sealed class TableSpec(string name, List<ColumnSpec> columns)
{
    public string Name { get; } = name;

    public List<ColumnSpec> Columns { get; } = columns;

    public HashSet<int> Ids { get; set; } = [];

    public int NextId { get; set; } = 1;

    public string CreateSql(string database) =>
        $"CREATE TABLE `{database}`.`{Name}` (id INT NOT NULL PRIMARY KEY, " +
        string.Join(", ", Columns.Select(c => $"`{c.Name}` {c.SqlType}")) + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

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
