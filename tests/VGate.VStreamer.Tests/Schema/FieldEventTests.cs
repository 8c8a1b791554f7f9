using System.Globalization;
using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.Schema;

/// <summary>
/// FIELD events against what a Vitess tablet would send for the same table: the server's own column definitions for
/// <c>SELECT * … LIMIT 0</c>, read raw on a utf8mb4 connection and typed as Vitess types them
/// (<see cref="ServerColumnDefinitions"/>), with the collation id from information_schema as charset. Checked for a table
/// with every column type in several character sets and collations, in the binlog path and in the copy path.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FieldEventTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static readonly string[] Collations =
    [
        "utf8mb4_bin", "utf8mb4_general_ci", "utf8mb4_nopad_bin", "latin1_bin", "latin1_swedish_ci", "utf8mb3_general_ci",
        "utf8mb3_bin", "ucs2_general_ci", "utf16_bin", "utf32_general_ci", "utf8mb4_uca1400_ai_ci", "ucs2_uca1400_as_cs",
    ];

    private static string EveryTypeTable()
    {
        var columns = new List<string>
        {
            "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY", "ti TINYINT", "tiu TINYINT UNSIGNED",
            "si SMALLINT NOT NULL DEFAULT 3", "mi MEDIUMINT UNSIGNED", "i INT", "z INT(5) UNSIGNED ZEROFILL", "f FLOAT",
            "d DOUBLE", "dec1 DECIMAL(10,2)", "dec2 DECIMAL(65,30) UNSIGNED", "dec0 DECIMAL(5,0)", "b1 BIT(1)", "b13 BIT(13)",
            "y YEAR", "dt DATE", "tm TIME", "tm3 TIME(3)", "dtm DATETIME(6)", "ts TIMESTAMP(2) NULL",
            "tsu TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
            "tsd TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00'", "tsn TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3)",
            "dtn DATETIME DEFAULT CURRENT_TIMESTAMP", "dtu DATETIME ON UPDATE CURRENT_TIMESTAMP",
            "bn BINARY(4)", "vb VARBINARY(50)", "tb TINYBLOB", "bl BLOB", "mb MEDIUMBLOB", "lb LONGBLOB",
            "eb ENUM('a','bb') CHARACTER SET binary", "sb SET('a','bb') CHARACTER SET binary",
            "j JSON", "g GEOMETRY", "p POINT", "u VARCHAR(10) UNIQUE", "k INT", "nn VARCHAR(3) NOT NULL",
        };
        for (var i = 0; i < Collations.Length; i++)
        {
            var charset = Collations[i][..Collations[i].IndexOf('_', StringComparison.Ordinal)];
            var spec = $"CHARACTER SET {charset} COLLATE {Collations[i]}";
            columns.AddRange(
            [
                $"c{i} CHAR(4) {spec}", $"v{i} VARCHAR(10) {spec}", $"tt{i} TINYTEXT {spec}", $"tx{i} TEXT {spec}",
                $"mt{i} MEDIUMTEXT {spec}", $"lt{i} LONGTEXT {spec}", $"e{i} ENUM('a','bb','cçc') {spec}",
                $"s{i} SET('a','bb','cçc') {spec}",
            ]);
        }
        return $"CREATE TABLE {{db}}.every ({string.Join(", ", columns)}, KEY (k)) DEFAULT CHARSET=utf8mb4";
    }

    [ServerFact]
    public async Task FieldEvent_EveryTypeAndCollation_BinlogAndCopyMatchTheServersColumnDefinitions()
    {
        var spec = await StreamSpec.CreateAsync(fixture, EveryTypeTable());
        var position = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.every (nn) VALUES ('x')");

        var expected = await ExpectedFieldsAsync(spec.Database, "every");
        var streamed = (await spec.StreamAsync(position, 1)).Single(e => e.Type == VEventType.Field).FieldEvent;
        var copied = (await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted))
            .Single(e => e.Type == VEventType.Field).FieldEvent;

        // ENUM/SET members of ucs2/utf16/utf32 columns are in the binlog in their own character set (decoded as UTF-8
        // once, they counted too many characters): checked in both paths.
        var mismatches = Compare("binlog", expected, streamed).Concat(Compare("copy", expected, copied)).ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>The server's column definitions of <paramref name="table"/> as a Vitess tablet turns them into fields.</summary>
    private async Task<Dictionary<string, (Query.Type Type, uint Flags, uint Length, uint Charset, uint Decimals)>> ExpectedFieldsAsync(string database, string table)
    {
        var collations = (await fixture.Server.QueryAsync(
            "SELECT c.COLUMN_NAME, COALESCE(co.ID, 63) FROM information_schema.COLUMNS c " +
            // FULL_COLLATION_NAME: MariaDB's UCA 14.0 collations are listed per character set only there.
            "LEFT JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY co ON co.FULL_COLLATION_NAME = c.COLLATION_NAME " +
            $"WHERE c.TABLE_SCHEMA = '{database}' AND c.TABLE_NAME = '{table}'"))
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt32(r[1], CultureInfo.InvariantCulture));
        var definitions = await ServerColumnDefinitions.ReadAsync(fixture.Server, $"SELECT * FROM `{database}`.`{table}` LIMIT 0");
        return definitions.ToDictionary(d => d.Name, d => ServerColumnDefinitions.ToVitessField(d, collations[d.Name]));
    }

    private static IEnumerable<string> Compare(
        string path,
        Dictionary<string, (Query.Type Type, uint Flags, uint Length, uint Charset, uint Decimals)> expected,
        FieldEvent fieldEvent)
    {
        Assert.Equal(expected.Keys, fieldEvent.Fields.Select(f => f.Name));
        foreach (var field in fieldEvent.Fields)
        {
            var actual = (field.Type, field.Flags, field.ColumnLength, field.Charset, field.Decimals);
            if (actual != expected[field.Name])
                yield return $"{path} {field.Name} ({field.ColumnType}): server {expected[field.Name]}, VGate {actual}";
        }
    }
}
