using System.Globalization;
using System.Text;
using System.Text.Json;
using VGate.Cli.Commands;
using VGate.Testing;

namespace VGate.Cli.Tests;

/// <summary>
/// Every value <c>vgate binlog</c> prints, judged by the server: a table of edge values (the extremes of every
/// numeric type, zero dates, ±838:59:59, subnormal floats, BIT(64) and BIGINT UNSIGNED maxima, NUL bytes, 4-byte UTF-8,
/// BINARY padding, the invalid ENUM value) is inserted, updated and deleted on a real MariaDB; the command runs as it
/// would from a shell, each output line is parsed with System.Text.Json, and each value of every row image (write_rows,
/// update_rows before and after, delete_rows) is compared with what <c>SELECT</c> returns for that row.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BinlogValueTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private enum Judge
    {
        /// <summary>A JSON number whose text is exactly the SELECT text.</summary>
        Number,

        /// <summary>A JSON string equal to the SELECT text.</summary>
        String,

        /// <summary>A JSON string, base64 of the bytes whose HEX() SELECT returns.</summary>
        Base64,

        /// <summary>A JSON number that parses (as float32) to the FLOAT SELECT returns widened to DOUBLE.</summary>
        Float32,

        /// <summary>A JSON number that parses (as float64) to the DOUBLE SELECT returns, bit for bit.</summary>
        Float64,

        /// <summary>SELECT gives "index|name": index 0 must be the number 0, any other index the member name as a string.</summary>
        Enum,
    }

    // Column, type, SELECT expression (text), judge.
    private static readonly (string Name, string Type, string Select, Judge Judge)[] Columns =
    [
        ("y", "YEAR", "CAST(y + 0 AS CHAR)", Judge.Number),
        ("d65", "DECIMAL(65,30)", "CAST(d65 AS CHAR)", Judge.String),
        ("d10", "DECIMAL(10,4)", "CAST(d10 AS CHAR)", Judge.String),
        ("d5", "DECIMAL(5,0)", "CAST(d5 AS CHAR)", Judge.String),
        ("dt", "DATE", "CAST(dt AS CHAR)", Judge.String),
        ("dtm", "DATETIME(6)", "CAST(dtm AS CHAR)", Judge.String),
        ("dtm0", "DATETIME", "CAST(dtm0 AS CHAR)", Judge.String),
        ("ts", "TIMESTAMP(3) NULL", "CAST(ts AS CHAR)", Judge.String),
        ("tm", "TIME(6)", "CAST(tm AS CHAR)", Judge.String),
        ("tm0", "TIME", "CAST(tm0 AS CHAR)", Judge.String),
        ("f", "FLOAT", "CAST(CAST(f AS DOUBLE) AS CHAR)", Judge.Float32),
        ("db", "DOUBLE", "CAST(db AS CHAR)", Judge.Float64),
        ("b64", "BIT(64)", "CAST(b64 + 0 AS CHAR)", Judge.Number),
        ("b1", "BIT(1)", "CAST(b1 + 0 AS CHAR)", Judge.Number),
        ("ubig", "BIGINT UNSIGNED", "CAST(ubig AS CHAR)", Judge.Number),
        ("sbig", "BIGINT", "CAST(sbig AS CHAR)", Judge.Number),
        ("ti", "TINYINT", "CAST(ti AS CHAR)", Judge.Number),
        ("umi", "MEDIUMINT UNSIGNED", "CAST(umi AS CHAR)", Judge.Number),
        ("smi", "MEDIUMINT", "CAST(smi AS CHAR)", Judge.Number),
        ("bin", "BINARY(8)", "HEX(bin)", Judge.Base64),
        ("vbin", "VARBINARY(16)", "HEX(vbin)", Judge.Base64),
        ("bl", "BLOB", "HEX(bl)", Judge.Base64),
        ("ch", "CHAR(10) CHARACTER SET utf8mb4", "CAST(ch AS CHAR)", Judge.String),
        ("vc", "VARCHAR(50) CHARACTER SET utf8mb4", "CAST(vc AS CHAR)", Judge.String),
        ("tx", "TEXT CHARACTER SET utf8mb4", "CAST(tx AS CHAR)", Judge.String),
        ("lat", "VARCHAR(20) CHARACTER SET latin1", "CAST(lat AS CHAR)", Judge.String),
        ("en", "ENUM('', 'a', 'b')", "CONCAT(en + 0, '|', en)", Judge.Enum),
        ("st", "SET('x', 'y', 'z')", "CAST(st AS CHAR)", Judge.String),
        // Long enough for 2-byte length prefixes: BINARY(255) is padded to 255 bytes, CHAR(100) utf8mb4 (400 bytes) is not.
        ("bin255", "BINARY(255)", "HEX(bin255)", Judge.Base64),
        ("ch100", "CHAR(100) CHARACTER SET utf8mb4", "CAST(ch100 AS CHAR)", Judge.String),
    ];

    // One row per statement, every column (NULL where a row only varies a few).
    private static readonly string[] Rows =
    [
        // Maxima.
        "(1, 2155, 99999999999999999999999999999999999.999999999999999999999999999999, 999999.9999, 99999, '9999-12-31', " +
            "'9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999', '838:59:59.000000', '838:59:59', " +
            "3.40282347e38, 1.7976931348623157e308, 0xFFFFFFFFFFFFFFFF, 1, 18446744073709551615, 9223372036854775807, 127, 16777215, 8388607, " +
            "x'01020304050607FF', x'FF', x'00FF00', 'ab', '😀 four-byte 𝄞', CONCAT('a', CHAR(0), 'b', CHAR(0)), 'Grüße', 'b', 'x,y,z', x'01', '😀 x')",
        // Minima.
        "(2, 1901, -99999999999999999999999999999999999.999999999999999999999999999999, -999999.9999, -99999, '1000-01-01', " +
            "'1000-01-01 00:00:00.000000', '1000-01-01 00:00:00', '1970-01-01 00:00:01.000', '-838:59:59.000000', '-838:59:59', " +
            "-3.40282347e38, -1.7976931348623157e308, 0, 0, 0, -9223372036854775808, -128, 0, -8388608, " +
            "x'0000000000000000', x'', x'', '', '', '', '', '', '', x'', '')",
        // Zeros, zero dates, the invalid ENUM value (a bad member stored by a non-strict INSERT) and the smallest normals.
        "(3, 0, 0, 0, 0, '0000-00-00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000', " +
            "'-00:00:00.000001', '00:00:00', 1.17549435e-38, 2.2250738585072014e-308, 0x8000000000000001, 1, 9223372036854775808, 0, 0, 1, -1, " +
            "x'0100000000000000', x'000000', x'00', ' lead', 'trail ', CONCAT(CHAR(0), '€'), CHAR(0xE9 USING latin1), 'not a member', 'y', x'00FF', CONCAT('a', CHAR(0)))",
        // Subnormals and round-trip cases for FLOAT/DOUBLE.
        "(4, 1999, NULL, 0.0001, 1, NULL, NULL, NULL, NULL, '00:00:01.5', NULL, 1.4e-45, 4.9e-324, 1, NULL, 1, -1, 1, NULL, NULL, " +
            "x'00000000000000FF', NULL, NULL, NULL, NULL, NULL, NULL, 'a', NULL, NULL, NULL)",
        "(5, 2000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1234567, 0.1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0.1, 9007199254740993, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 16777217, 1e-300, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 3.1415927, 2.718281828459045, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(9, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1.1754942e-38, 2.225073858507201e-308, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1e-10, 1e22, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    ];

    [ServerFact]
    public async Task Binlog_EdgeValuesOfEveryType_EachLineParsesAndEachValueMatchesSelect()
    {
        var db = await fixture.CreateDatabaseAsync();
        var columns = string.Join(", ", Columns.Select(c => $"{c.Name} {c.Type}"));
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.e (id INT PRIMARY KEY, {columns})");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();

        var expected = new Dictionary<int, string?[]>();
        await using (var connection = await fixture.Server.OpenConnectionAsync(db))
        {
            // Non-strict mode stores zero dates and the invalid ENUM value; TIMESTAMP text in UTC, as vgate prints it.
            await ExecuteAsync(connection, "SET SESSION sql_mode = '', SESSION time_zone = '+00:00'");
            foreach (var row in Rows)
                await ExecuteAsync(connection, $"INSERT INTO e VALUES {row}");
            await using (var select = new MySqlConnector.MySqlCommand($"SELECT id, {string.Join(", ", Columns.Select(c => c.Select))} FROM e", connection))
            await using (var reader = await select.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var values = new string?[Columns.Length];
                    for (var i = 0; i < values.Length; i++)
                        values[i] = reader.IsDBNull(i + 1) ? null : reader.GetString(i + 1);
                    expected[reader.GetInt32(0)] = values;
                }
            }
            // Before and after images of an update, and before images of a delete, hold the same values.
            await ExecuteAsync(connection, "UPDATE e SET id = id + 100");
            await ExecuteAsync(connection, "DELETE FROM e");
        }
        Assert.Equal(Rows.Length, expected.Count);

        var (exit, lines, error) = await RunAsync("--source", fixture.Server.ReplicationUri.ToString(), "--from", start, "--stop-at-end");

        Assert.True(exit == 0, $"exit {exit}: {error}");
        foreach (var kind in new[] { "write_rows", "update_rows", "delete_rows" })
        {
            var images = lines.Where(l => l.GetProperty("type").GetString() == kind && l.GetProperty("table").GetString() == "e")
                .SelectMany(l => l.GetProperty("rows").EnumerateArray())
                .SelectMany(r => kind == "update_rows" ? [(kind + " before", r.GetProperty("before")), (kind + " after", r.GetProperty("after"))] : new[] { (kind, r) })
                .ToList();
            Assert.Equal(Rows.Length * (kind == "update_rows" ? 2 : 1), images.Count);
            foreach (var (what, image) in images)
            {
                var id = image.GetProperty("id").GetInt32();
                for (var i = 0; i < Columns.Length; i++)
                    AssertValue($"{what} id={id} column {Columns[i].Name} ({Columns[i].Type})", Columns[i].Judge, expected[id % 100][i], image.GetProperty(Columns[i].Name));
            }
        }
    }

    [ServerFact]
    public async Task Binlog_InvalidEnumValueAndEmptyMember_PrintedDifferently()
    {
        var db = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.en (id INT PRIMARY KEY, v ENUM('', 'a'))");
        var start = "MariaDB/" + await fixture.Server.GetGtidBinlogPosAsync();
        await fixture.Server.ExecuteAsync($"SET SESSION sql_mode = ''; INSERT INTO {db}.en VALUES (1, ''), (2, 'bad'), (3, 'a')");

        var (exit, lines, error) = await RunAsync("--source", fixture.Server.ReplicationUri.ToString(), "--from", start, "--stop-at-end");

        Assert.True(exit == 0, error);
        var rows = lines.Single(l => l.GetProperty("type").GetString() == "write_rows").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.String, rows[0].GetProperty("v").ValueKind);
        Assert.Equal("", rows[0].GetProperty("v").GetString());
        Assert.Equal(JsonValueKind.Number, rows[1].GetProperty("v").ValueKind);
        Assert.Equal(0, rows[1].GetProperty("v").GetInt32());
        Assert.Equal("a", rows[2].GetProperty("v").GetString());
        Assert.Equal(1L, await fixture.Server.ScalarAsync<long>($"SELECT v + 0 FROM {db}.en WHERE id = 1"));
        Assert.Equal(0L, await fixture.Server.ScalarAsync<long>($"SELECT v + 0 FROM {db}.en WHERE id = 2"));
    }

    private static void AssertValue(string where, Judge judge, string? expected, JsonElement actual)
    {
        if (expected is null)
        {
            Assert.True(actual.ValueKind == JsonValueKind.Null, $"{where}: expected null, got {actual.GetRawText()}");
            return;
        }
        switch (judge)
        {
            case Judge.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{where}: expected a number, got {actual.GetRawText()}");
                Assert.True(expected == actual.GetRawText(), $"{where}: SELECT {expected}, printed {actual.GetRawText()}");
                break;
            case Judge.String:
                Assert.True(actual.ValueKind == JsonValueKind.String, $"{where}: expected a string, got {actual.GetRawText()}");
                Assert.True(expected == actual.GetString(), $"{where}: SELECT '{expected}', printed {actual.GetRawText()}");
                break;
            case Judge.Base64:
                Assert.True(actual.ValueKind == JsonValueKind.String, $"{where}: expected a string, got {actual.GetRawText()}");
                Assert.True(expected == Convert.ToHexString(actual.GetBytesFromBase64()), $"{where}: SELECT HEX {expected}, printed {actual.GetRawText()}");
                break;
            case Judge.Float32:
                {
                    Assert.True(actual.ValueKind == JsonValueKind.Number, $"{where}: expected a number, got {actual.GetRawText()}");
                    var stored = (float)double.Parse(expected, CultureInfo.InvariantCulture);
                    var printed = float.Parse(actual.GetRawText(), CultureInfo.InvariantCulture);
                    Assert.True(BitConverter.SingleToInt32Bits(stored) == BitConverter.SingleToInt32Bits(printed),
                        $"{where}: stored float32 {stored:R} (SELECT {expected}), printed {actual.GetRawText()}");
                    break;
                }
            case Judge.Float64:
                {
                    Assert.True(actual.ValueKind == JsonValueKind.Number, $"{where}: expected a number, got {actual.GetRawText()}");
                    var stored = double.Parse(expected, CultureInfo.InvariantCulture);
                    var printed = double.Parse(actual.GetRawText(), CultureInfo.InvariantCulture);
                    Assert.True(BitConverter.DoubleToInt64Bits(stored) == BitConverter.DoubleToInt64Bits(printed),
                        $"{where}: SELECT {expected}, printed {actual.GetRawText()}");
                    break;
                }
            case Judge.Enum:
                {
                    var bar = expected.IndexOf('|', StringComparison.Ordinal);
                    if (expected[..bar] == "0")
                    {
                        Assert.True(actual.ValueKind == JsonValueKind.Number && actual.GetRawText() == "0", $"{where}: invalid value (index 0) printed {actual.GetRawText()}");
                    }
                    else
                    {
                        Assert.True(actual.ValueKind == JsonValueKind.String && actual.GetString() == expected[(bar + 1)..],
                            $"{where}: SELECT '{expected[(bar + 1)..]}', printed {actual.GetRawText()}");
                    }
                    break;
                }
        }
    }

    private static async Task ExecuteAsync(MySqlConnector.MySqlConnection connection, string sql)
    {
        await using var command = new MySqlConnector.MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(int Exit, List<JsonElement> Lines, string Error)> RunAsync(params string[] args)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        using var deadline = TestDeadline.CreateTokenSource();
        var exit = await BinlogCommand.RunAsync(args, output, error, deadline.Token);
        // Every line must be one JSON document: JsonDocument.Parse throws on anything else.
        var lines = Encoding.UTF8.GetString(output.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
        return (exit, lines, error.ToString());
    }
}
