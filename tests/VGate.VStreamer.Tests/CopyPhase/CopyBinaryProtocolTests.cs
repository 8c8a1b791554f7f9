using System.Globalization;
using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// The copy read as a prepared statement (binary protocol, values rendered by VGate) against the same copy read with
/// COM_QUERY (the server's own text): every event byte-identical, for every column type and its edge values, and the
/// fallback to the text protocol for columns VGate does not render (ZEROFILL, FLOAT(m,d)).
/// </summary>
[Trait("Category", "Integration")]
public sealed class CopyBinaryProtocolTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string EveryType =
        """
        CREATE TABLE {db}.every (
          id INT NOT NULL PRIMARY KEY,
          ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
          ii INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, bo BOOLEAN,
          f FLOAT, d DOUBLE, fu FLOAT UNSIGNED, m DECIMAL(30,10), m0 DECIMAL(5,0),
          da DATE, dt DATETIME, dt3 DATETIME(3), dt6 DATETIME(6), ts TIMESTAMP NULL, ts1 TIMESTAMP(1) NULL, ts6 TIMESTAMP(6) NULL,
          tm TIME, tm2 TIME(2), tm6 TIME(6), y YEAR,
          c CHAR(4), vc VARCHAR(20), bn BINARY(4), vb VARBINARY(8), tx TEXT, bl BLOB, e ENUM('a','b','c'), st SET('x','y','z'),
          b1 BIT(1), b64 BIT(64), j JSON, g GEOMETRY
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """;

    [ServerFact]
    public async Task Copy_EveryTypeAndEdgeValues_BinaryProtocolEventsEqualTheTextProtocols()
    {
        var spec = await StreamSpec.CreateAsync(fixture, EveryType,
            // Zero dates need a permissive sql_mode; the session of the statement is the server's default otherwise.
            """
            SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00';
            INSERT INTO {db}.every VALUES
            (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, TRUE,
             -3.4028235e38, -1.7976931348623157e308, 3.4028235e38, -12345678901234567890.0123456789, -99999,
             '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', NULL, '1970-01-01 00:00:01.000001',
             '-838:59:59', '-00:00:00.01', '838:59:59.000000', 0,
             '', '', '', '', '', '', 'a', '', b'0', b'0', '{}', POINT(0, 0)),
            (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, FALSE,
             1.17549435e-38, 5e-324, 0, 0.0000000001, 0,
             '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.9', '2038-01-19 03:14:07.999999',
             '838:59:59', '-838:59:59.99', '-00:00:00.000001', 2155,
             'abcd', 'Grüße № — ünïcödé', x'00ff0a0d', x'0001020304050607', REPEAT('lorem ', 100), x'00270a5c0d', 'c', 'x,y,z',
             b'1', b'1111111111111111111111111111111111111111111111111111111111111111', '{"a": [1, 2.5, "ß"], "b": null}', ST_GeomFromText('LINESTRING(0 0, 1 1.5)')),
            (3, 0, 1, -1, 1, 0, 1, -1, 1, -1, 1, NULL,
             -0.0, -0.0, 1e-10, 1.5, 1,
             '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.100', '2024-02-29 12:34:56.000010', '2024-02-29 12:34:56', '2024-02-29 12:34:56.0', '2024-02-29 12:34:56.5',
             '00:00:00', '12:00:00.5', '-01:02:03.000004', 1901,
             'a ', 'trailing  ', 'a', 'a', '', '', 'b', 'y',
             b'1', b'0000000000000000000000000000000000000000000000000000000000000001', '[]', NULL),
            (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            """,
            // Floats across the formatter's ranges: fixed and exponent notation, 6/17 significant digits, ties.
            """
            INSERT INTO {db}.every (id, f, d, fu, m, dt6, ts6, tm6, y)
            SELECT 100 + seq, POW(10, seq % 60 - 30) * (seq * 1.2345678901 - 400), POW(10, seq % 600 - 300) * (seq / 7 - 300),
                   seq * 0.1, seq / 3, TIMESTAMP('2000-01-01') + INTERVAL seq * 7919 SECOND + INTERVAL seq * 37 MICROSECOND,
                   TIMESTAMP('2001-01-01') + INTERVAL seq * 7907 SECOND + INTERVAL seq * 41 MICROSECOND,
                   SEC_TO_TIME(seq * 3701 % 3000000 - 1500000) + INTERVAL seq * 43 MICROSECOND, 1901 + seq % 255
            FROM (SELECT CAST(seq AS SIGNED) AS seq FROM {db}.seq_1_to_2000) AS numbers
            """);

        var (binary, text) = await CopyBothWaysAsync(spec, usesBinary: true);

        Assert.Equal(2004, binary.Count(e => e.Type == VEventType.Row));
        Assert.Equal(StreamSpec.Format(text), StreamSpec.Format(binary));
        Assert.Equal(text, binary); // every field of every event, values and lengths byte for byte
        var first = RowValues(binary, 0);
        Assert.Equal(
            ["1", "-128", "255", "-32768", "65535", "-8388608", "16777215", "-2147483648", "4294967295", "-9223372036854775808", "18446744073709551615", "1"],
            first[..12]);
        Assert.Equal(["0000-00-00", "0000-00-00 00:00:00", "0000-00-00 00:00:00.000", "0000-00-00 00:00:00.000000"], first[17..21]);
        Assert.Equal(["-838:59:59", "-00:00:00.01", "838:59:59.000000", "0000"], first[24..28]);
        Assert.All(RowValues(binary, 3)[1..], v => Assert.Equal("NULL", v));
    }

    [ServerFact]
    public async Task Copy_ZerofillAndFixedDecimalFloat_FallsBackToTheTextProtocol()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.z (id INT(6) ZEROFILL NOT NULL PRIMARY KEY, f FLOAT(7,3), d DOUBLE(10,2), n INT)",
            "INSERT INTO {db}.z VALUES (42, 1.5, 2.25, 7), (43, -0.001, 1e7, NULL)");

        var (binary, text) = await CopyBothWaysAsync(spec, usesBinary: false);

        Assert.Equal(text, binary);
        Assert.Equal(["000042", "1.500", "2.25", "7"], RowValues(binary, 0));
        Assert.Equal(["000043", "-0.001", "10000000.00", "NULL"], RowValues(binary, 1));
    }

    [ServerFact]
    public async Task Copy_TableOf300Columns_ColumnCountBeyondOneByteReadAlike()
    {
        // 251 columns and more: the result's column count is a 3-byte length-encoded integer.
        var columns = string.Join(", ", Enumerable.Range(1, 299).Select(i => $"c{i} INT"));
        var values = string.Join(", ", Enumerable.Range(1, 299).Select(i => i % 7 == 0 ? "NULL" : (i * -1000).ToString(CultureInfo.InvariantCulture)));
        var spec = await StreamSpec.CreateAsync(fixture,
            $"CREATE TABLE {{db}}.wide (id INT PRIMARY KEY, {columns})",
            $"INSERT INTO {{db}}.wide VALUES (1, {values}), (2, {values})");

        var (binary, text) = await CopyBothWaysAsync(spec, usesBinary: true);

        Assert.Equal(text, binary);
        Assert.Equal("-299000", RowValues(binary, 1)[299]);
    }

    [ServerFact]
    public async Task Copy_ResumeFromALastPkOfTheBinaryCopy_RowsAfterItOnly()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.r (k1 DATETIME(3) NOT NULL, k2 DOUBLE NOT NULL, v VARCHAR(10), PRIMARY KEY (k1, k2))",
            "INSERT INTO {db}.r SELECT TIMESTAMP('2020-01-01') + INTERVAL seq DIV 3 SECOND + INTERVAL seq * 1000 MICROSECOND, seq / 7, CONCAT('v', seq) FROM {db}.seq_1_to_300");

        // Tiny packets: one row per batch, each with a LASTPK rendered from the binary row.
        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)), CopyHarness.CopyCompleted);
        var lastPks = events.Where(e => e.Type == VEventType.Lastpk && !e.LastPKEvent.Completed).Select(e => e.LastPKEvent.TableLastPK).ToList();
        Assert.Equal(300, lastPks.Count);
        var middle = lastPks[149];
        Assert.Equal("2020-01-01 00:00:50.150", VEventFormatter.Decode(middle.Lastpk.Rows[0])[0]);

        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, await spec.PositionAsync(), tablePKs: [middle])), CopyHarness.CopyCompleted);

        var rows = resumed.Where(e => e.Type == VEventType.Row).Select(e => VEventFormatter.Decode(e.RowEvent.RowChanges[0].After)[2]).ToList();
        Assert.Equal(Enumerable.Range(151, 150).Select(i => "v" + i.ToString(CultureInfo.InvariantCulture)), rows);
    }

    /// <summary>
    /// Copies the spec's database twice from the same snapshot position (nothing is written in between), once with the
    /// binary protocol allowed and once with the text protocol only, and checks through the server's statement counter
    /// that the first really executed a prepared statement (or, for <paramref name="usesBinary"/> false, did not).
    /// </summary>
    private async Task<(List<VEvent> Binary, List<VEvent> Text)> CopyBothWaysAsync(StreamSpec spec, bool usesBinary)
    {
        var executedBefore = await StatementExecutionsAsync();
        var binary = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted);
        var executed = await StatementExecutionsAsync() - executedBefore;
        Assert.Equal(usesBinary, executed > 0);

        var textOptions = CopyHarness.Options(spec);
        var text = await CopyHarness.CollectAsync(
            new ShardStreamer(new ShardStreamerOptions
            {
                Keyspace = textOptions.Keyspace,
                Shard = textOptions.Shard,
                Source = textOptions.Source,
                Database = textOptions.Database,
                Position = textOptions.Position,
                CopyBinaryProtocol = false,
            }),
            CopyHarness.CopyCompleted);
        return (binary, text);
    }

    private async Task<long> StatementExecutionsAsync()
    {
        var rows = await fixture.Server.QueryAsync("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'");
        return Convert.ToInt64(rows.Single()[1], CultureInfo.InvariantCulture);
    }

    /// <summary>The values of the index-th ROW event as text, NULL as <c>NULL</c>.</summary>
    private static string[] RowValues(List<VEvent> events, int index) =>
        VEventFormatter.Decode(events.Where(e => e.Type == VEventType.Row).ElementAt(index).RowEvent.RowChanges[0].After)
            .Select(v => v ?? "NULL").ToArray();
}
