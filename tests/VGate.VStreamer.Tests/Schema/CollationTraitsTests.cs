using System.Globalization;
using VGate.MySql.Binlog.Rows;
using VGate.Testing;
using VGate.VStreamer.Schema;

namespace VGate.VStreamer.Tests.Schema;

/// <summary>
/// <see cref="CollationTraits"/> and <see cref="MySqlCharsets.GetMaxBytesPerCharacter"/> against every collation and
/// character set the running server has, judged by the server's own column definitions: BINARY_FLAG on a CHAR column of
/// each collation, and the length it reports for a TEXT column of each character set on a utf8mb4 connection.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CollationTraitsTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task IsBinarySort_EveryServerCollation_AgreesWithTheServersBinaryFlag()
    {
        var db = await fixture.CreateDatabaseAsync();
        // Every concrete collation, including MariaDB's UCA 14.0 ones (utf8mb4_uca1400_ai_ci, …) applied to each charset.
        var collations = (await fixture.Server.QueryAsync(
                "SELECT ID, FULL_COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY ORDER BY ID"))
            .Select(r => (Id: Convert.ToInt32(r[0], CultureInfo.InvariantCulture), Name: (string)r[1]!, Charset: (string)r[2]!))
            .Where(c => c.Charset != "binary")
            .ToList();
        var columns = collations.Select(c => $"c{c.Id} CHAR(1) CHARACTER SET {c.Charset} COLLATE {c.Name}");
        // MyISAM: a row of over a thousand CHAR columns is too large for InnoDB, and only the metadata matters here.
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.coll ({string.Join(", ", columns)}) ENGINE=MyISAM");

        var definitions = await ServerColumnDefinitions.ReadAsync(fixture.Server, $"SELECT * FROM {db}.coll LIMIT 0");

        var wrong = collations.Zip(definitions)
            .Where(p => ((p.Second.Flags & 128) != 0) != CollationTraits.IsBinarySort(p.First.Id))
            .Select(p => $"{p.First.Name} ({p.First.Id}): server BINARY_FLAG {(p.Second.Flags & 128) != 0}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(CollationTraits.IsBinarySort(MySqlCharsets.BinaryCollationId));
    }

    [ServerFact]
    public async Task CharacterWidths_EveryServerCharset_GiveTheServersTextAndVarcharLengths()
    {
        var db = await fixture.CreateDatabaseAsync();
        // Each character set's default collation, and its first UCA 14.0 collation where it has them.
        var charsets = (await fixture.Server.QueryAsync(
                "SELECT CONCAT(a.CHARACTER_SET_NAME, IF(a.ID >= 2048, '_uca', '')), a.CHARACTER_SET_NAME, a.FULL_COLLATION_NAME, a.ID " +
                "FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY a " +
                "WHERE a.CHARACTER_SET_NAME <> 'binary' AND (a.IS_DEFAULT = 'Yes' OR a.ID = (SELECT MIN(b.ID) FROM " +
                "information_schema.COLLATION_CHARACTER_SET_APPLICABILITY b WHERE b.CHARACTER_SET_NAME = a.CHARACTER_SET_NAME AND b.ID >= 2048)) " +
                "ORDER BY a.ID"))
            .Select(r => (Name: (string)r[0]!, Charset: (string)r[1]!, Collation: (string)r[2]!, Id: Convert.ToInt32(r[3], CultureInfo.InvariantCulture)))
            .ToList();
        var columns = charsets.SelectMany(c => new[]
        {
            $"t_{c.Name} TEXT CHARACTER SET {c.Charset} COLLATE {c.Collation}",
            $"v_{c.Name} VARCHAR(10) CHARACTER SET {c.Charset} COLLATE {c.Collation}",
        });
        await fixture.Server.ExecuteAsync($"CREATE TABLE {db}.cs ({string.Join(", ", columns)})");
        var octets = (await fixture.Server.QueryAsync(
                $"SELECT COLUMN_NAME, CHARACTER_OCTET_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'cs'"))
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));

        var definitions = (await ServerColumnDefinitions.ReadAsync(fixture.Server, $"SELECT * FROM {db}.cs LIMIT 0"))
            .ToDictionary(d => d.Name);

        var wrong = new List<string>();
        foreach (var (name, _, _, id) in charsets)
        {
            // TEXT: 65535 bytes ÷ the shortest character × 4 (the utf8mb4 connection); VARCHAR(10): its bytes ÷ the widest.
            var text = 65535 / CollationTraits.GetMinBytesPerCharacter(id) * 4;
            if (definitions[$"t_{name}"].Length != text)
                wrong.Add($"{name} TEXT: server {definitions[$"t_{name}"].Length}, from mbminlen {text}");
            var chars = octets[$"v_{name}"] / MySqlCharsets.GetMaxBytesPerCharacter(id);
            if (chars != 10)
                wrong.Add($"{name} VARCHAR(10): {octets[$"v_{name}"]} bytes ÷ mbmaxlen {MySqlCharsets.GetMaxBytesPerCharacter(id)} = {chars} characters");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
