using System.Text;
using Binlogdata;
using MySqlConnector;
using VGate.MySql.Protocol;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// Issue 14 §1: whatever the source's global <c>sql_mode</c>, the copy phase and the binlog phase give the same, correct
/// rows for filter literals holding quotes, backslashes, <c>%</c>, <c>_</c>, NUL, 4-byte UTF-8 and comment markers, on a
/// table and column whose names hold backquotes, quotes and spaces; and the literals VGate sends mean the same in every mode.
/// The tests of this class run one after the other (one xUnit collection), each setting the global mode it needs.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SqlModeMatrixTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string Table = "we`ird \"t'ab le";
    private const string Column = "na`me \"x'";

    private static readonly string[] Wanted =
    [
        "it's", "back\\slash", "dq\"uote", "100%", "a_b", "nul\0byte", "emoji \U0001F600", "*/ end", "-- dash", "x') UNION SELECT 1 #",
    ];

    private static readonly string[] Decoys =
    [
        "it''s", "it\\'s", "back\\\\slash", "dq\\\"uote", "100", "100x", "aXb", "nul", "nul\0", "emoji", "*/", "--",
    ];

    public static TheoryData<string> Modes => new() { "DEFAULT", "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES", "PIPES_AS_CONCAT", "NO_BACKSLASH_ESCAPES,ANSI_QUOTES" };

    [ServerTheory]
    [MemberData(nameof(Modes))]
    public async Task CopyAndStream_HostileLiteralsAndNames_SameCorrectRowsInEveryMode(string mode)
    {
        await WithGlobalModeAsync(mode, async () =>
        {
            var quotedTable = SqlSession.QuoteIdentifier(Table);
            var quotedColumn = SqlSession.QuoteIdentifier(Column);
            var spec = await StreamSpec.CreateAsync(fixture,
                $"CREATE TABLE {{db}}.{quotedTable} (id BIGINT PRIMARY KEY, {quotedColumn} VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, at DATETIME)");
            string[] values = [.. Wanted, .. Decoys];
            await SqlInjectionTests.InsertAsync(spec, 1, values, Table, Column);
            var filter = new Filter
            {
                Rules =
                {
                    new Rule
                    {
                        Match = Table,
                        Filter = $"select id, {quotedColumn}, convert_tz(at, '+00:00', '+01:00') as at from {quotedTable} " +
                            $"where {quotedColumn} in ({string.Join(", ", Wanted.Select(SqlInjectionTests.FilterLiteral))})",
                    },
                },
            };

            var copied = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, filter: filter)), CopyHarness.CopyCompleted);

            Assert.Equal(Wanted, SqlInjectionTests.Names(copied));
            Assert.All(Rows(copied), r => Assert.Equal("2024-01-01 01:00:00", r[2]));
            var start = await spec.PositionAsync();
            await SqlInjectionTests.InsertAsync(spec, 100, values, Table, Column);
            var streamed = await spec.StreamAsync(start, 1, filter);
            Assert.Equal(Wanted, SqlInjectionTests.Names(streamed));
            Assert.Equal(Enumerable.Range(100, Wanted.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Rows(streamed).Select(r => r[0]));
            Assert.All(Rows(streamed), r => Assert.Equal("2024-01-01 00:00:00", r[2]));
        });
    }

    [ServerTheory]
    [MemberData(nameof(Modes))]
    public async Task QuoteString_HostileValues_MeanTheValueInEveryMode(string mode)
    {
        await WithGlobalModeAsync(mode, async () =>
        {
            // A MySqlConnector session left in the global mode: the literals must not depend on the mode being pinned.
            await using var connection = new MySqlConnection(fixture.Server.ConnectionString());
            await connection.OpenAsync();
            foreach (var value in Wanted.Concat(Decoys).Append("").Append("'; SELECT 1; -- "))
            {
                await using var command = new MySqlCommand($"SELECT HEX({SqlSession.QuoteString(value)})", connection);
                Assert.Equal(Convert.ToHexString(Encoding.UTF8.GetBytes(value)), (string?)await command.ExecuteScalarAsync());
            }
        });
    }

    [ServerTheory]
    [MemberData(nameof(Modes))]
    public async Task ProtocolConnection_AnyGlobalMode_SessionRunsWithTheFixedMode(string mode)
    {
        await WithGlobalModeAsync(mode, async () =>
        {
            await using var connection = await MySqlProtocolConnection.ConnectAsync(MySqlConnectionOptions.Parse(fixture.Server.ReplicationUri.ToString()));
            var rows = await connection.QueryAsync("SELECT @@SESSION.sql_mode");
            Assert.Equal(SqlSession.SqlMode, rows[0][0]);
        });
    }

    private async Task WithGlobalModeAsync(string mode, Func<Task> test)
    {
        var saved = await fixture.Server.ScalarAsync<string>("SELECT @@GLOBAL.sql_mode");
        await fixture.Server.ExecuteAsync(mode == "DEFAULT" ? "SET GLOBAL sql_mode = DEFAULT" : $"SET GLOBAL sql_mode = '{mode}'");
        try
        {
            if (mode != "DEFAULT")
                Assert.Equal(mode.Split(',').Order(), (await fixture.Server.ScalarAsync<string>("SELECT @@GLOBAL.sql_mode"))!.Split(',').Order());
            await test();
        }
        finally
        {
            await fixture.Server.ExecuteAsync($"SET GLOBAL sql_mode = '{saved}'");
        }
    }

    private static List<IReadOnlyList<string?>> Rows(IEnumerable<VEvent> events) =>
        events.Where(e => e.Type == VEventType.Row).SelectMany(e => e.RowEvent.RowChanges).Select(c => VEventFormatter.Decode(c.After)).ToList();
}
