using System.Text;
using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>A source whose global <c>sql_mode</c> is <c>NO_BACKSLASH_ESCAPES</c>, so every new session has it.</summary>
public sealed class NoBackslashEscapesFixture() : MariaDbFixture(new MariaDbServerOptions
{
    Name = "nobackslash",
    ExtraArguments = ["--sql-mode=NO_BACKSLASH_ESCAPES"],
});

/// <summary>
/// Issue 14 §1: a client's filter literal must not be able to change the SQL VGate sends to a source. On a source
/// running with <c>NO_BACKSLASH_ESCAPES</c>, a convert_tz argument quoted with backslash escapes ended its string at
/// <c>\'</c> and <c>UNION</c>ed another database and <c>mysql.user</c> into the copy's ROW events.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SqlInjectionTests(NoBackslashEscapesFixture fixture) : IClassFixture<NoBackslashEscapesFixture>
{
    private const string Secret = "top-secret-4b1d";

    [ServerFact]
    public async Task Copy_ConvertTzLiteralBreakingOutOfItsQuote_NoForeignRowsAndInvalidArgument()
    {
        Assert.Contains("NO_BACKSLASH_ESCAPES", await fixture.Server.ScalarAsync<string>("SELECT @@GLOBAL.sql_mode"), StringComparison.Ordinal);
        var other = await fixture.CreateDatabaseAsync();
        await fixture.Server.ExecuteAsync($"CREATE TABLE `{other}`.secret (id BIGINT PRIMARY KEY, s VARCHAR(100), at DATETIME)");
        await fixture.Server.ExecuteAsync($"INSERT INTO `{other}`.secret VALUES (777, '{Secret}', '2000-01-01 00:00:00')");
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.e (id BIGINT PRIMARY KEY, name VARCHAR(100), at DATETIME)",
            "INSERT INTO {db}.e VALUES (1, 'a', '2024-01-01 00:00:00')");
        // After the copy query's "convert_tz(`at`, '+00:00', '": the attacker's text, written in the filter with a
        // backslash-escaped quote, which the old rendering sent as \' (a backslash, then the end of the string).
        var payload = $"+00:00') AS `at` FROM `{spec.Database}`.`e` " +
            $"UNION ALL SELECT id, s, at FROM `{other}`.secret " +
            "UNION ALL SELECT 9999, CONCAT(User, 0x3a, authentication_string), NOW() FROM mysql.user #";
        var filter = new Filter
        {
            Rules = { new Rule { Match = "e", Filter = $"select id, name, convert_tz(at, '+00:00', {FilterLiteral(payload)}) as at from e" } },
        };

        var events = new List<VEvent>();
        Exception? error = null;
        try
        {
            events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, filter: filter)), CopyHarness.CopyCompleted);
        }
        catch (VStreamException ex)
        {
            error = ex;
        }

        var rows = events.Where(e => e.Type == VEventType.Row).SelectMany(e => e.RowEvent.RowChanges)
            .Select(c => string.Join("|", VEventFormatter.Decode(c.After))).ToList();
        Assert.DoesNotContain(rows, r => r.Contains(Secret, StringComparison.Ordinal) || r.Contains("root", StringComparison.Ordinal) || r.StartsWith("9999", StringComparison.Ordinal));
        var invalid = Assert.IsType<VStreamException>(error);
        Assert.Equal(Vtrpc.Code.InvalidArgument, invalid.Code);
        Assert.Contains("is not a time zone", invalid.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task CopyAndStream_StringLiteralsWithQuotesAndBackslashes_ExactMatchesOnly()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.e (id BIGINT PRIMARY KEY, name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, at DATETIME)");
        string[] wanted = ["it's", "back\\slash", "x') UNION SELECT 1 #"];
        string[] decoys = ["it\\'s", "back\\\\slash", "x\\') UNION SELECT 1 #", "it", "back"];
        var values = wanted.Concat(decoys).ToArray();
        await InsertAsync(spec, 1, values);
        var filter = new Filter
        {
            Rules =
            {
                new Rule
                {
                    Match = "e",
                    Filter = $"select id, name, convert_tz(at, '+00:00', '+01:00') as at from e where name in ({string.Join(", ", wanted.Select(FilterLiteral))})",
                },
            },
        };

        var copied = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, filter: filter)), CopyHarness.CopyCompleted);

        Assert.Equal(wanted, Names(copied));
        var start = await spec.PositionAsync();
        await InsertAsync(spec, 100, values);
        var streamed = await spec.StreamAsync(start, 1, filter);
        Assert.Equal(wanted, Names(streamed));
    }

    /// <summary>Inserts one row per value (ids from <paramref name="firstId"/>), the values as hex so the source's mode cannot change them.</summary>
    internal static async Task InsertAsync(StreamSpec spec, int firstId, IReadOnlyList<string> values, string table = "e", string nameColumn = "name")
    {
        var rows = values.Select((v, i) => $"({firstId + i}, _utf8mb4 X'{Convert.ToHexString(Encoding.UTF8.GetBytes(v))}', '2024-01-01 00:00:00')");
        await spec.ExecuteAsync($"INSERT INTO {{db}}.`{table.Replace("`", "``", StringComparison.Ordinal)}` (id, `{nameColumn.Replace("`", "``", StringComparison.Ordinal)}`, at) VALUES {string.Join(", ", rows)}");
    }

    /// <summary>A string literal in the filter dialect (Vitess's: backslash escapes, whatever the source's mode).</summary>
    internal static string FilterLiteral(string value)
    {
        var builder = new StringBuilder("'");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\0' => "\\0",
                _ => c.ToString(),
            });
        }
        return builder.Append('\'').ToString();
    }

    /// <summary>The name column (the second) of every ROW change, in order.</summary>
    internal static List<string?> Names(IEnumerable<VEvent> events) =>
        events.Where(e => e.Type == VEventType.Row).SelectMany(e => e.RowEvent.RowChanges).Select(c => VEventFormatter.Decode(c.After)[1]).ToList();
}
