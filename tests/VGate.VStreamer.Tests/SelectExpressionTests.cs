using System.Text;
using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Tests.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests;

/// <summary>
/// The select expressions of a filter rule that are not plain columns — <c>keyspace_id()</c>, the literal <c>1</c>,
/// <c>convert(col using utf8mb4)</c> and <c>convert_tz(col, from, to) as col</c> — in the streaming and the copy phase,
/// against a real MariaDB, with Vitess's output: <c>keyspace_id</c> is VARBINARY with the raw keyspace id (hash of the
/// primary vindex column), <c>1</c> is INT64 NOT NULL; convert and convert_tz keep the column's FIELD and apply only in
/// the copy query (the binlog phase sends the value as stored, as Vitess's vstreamer does).
/// </summary>
[Trait("Category", "Integration")]
public sealed class SelectExpressionTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private const string Table = "CREATE TABLE {db}.e (id BIGINT PRIMARY KEY, name VARCHAR(10) CHARACTER SET latin1, at DATETIME)";
    private const string Select = "select id, keyspace_id(), 1, convert(name using utf8mb4) as nm, convert_tz(at, '+00:00', '+02:00') as at from e";

    // The FIELD as Vitess's plan builder describes the five expressions: the two table-derived ones keep their column's
    // description, keyspace_id is VARBINARY (binary collation, BINARY_FLAG), 1 is INT64 (binary, NOT_NULL|NUM).
    private static void AssertFields(FieldEvent field)
    {
        Assert.Equal(["id", "keyspace_id", "1", "name", "at"], field.Fields.Select(f => f.Name));
        Assert.Equal([Query.Type.Int64, Query.Type.Varbinary, Query.Type.Int64, Query.Type.Varchar, Query.Type.Datetime], field.Fields.Select(f => f.Type));
        var keyspaceId = field.Fields[1];
        Assert.Equal((63u, 128u, "", ""), (keyspaceId.Charset, keyspaceId.Flags, keyspaceId.Table, keyspaceId.ColumnType));
        var one = field.Fields[2];
        Assert.Equal((63u, 1u | 32768u, "", ""), (one.Charset, one.Flags, one.Table, one.ColumnType));
        Assert.Equal(("e", "varchar(10)"), (field.Fields[3].Table, field.Fields[3].ColumnType));
    }

    [ServerFact]
    public async Task Stream_DerivedColumns_KeyspaceIdLiteralAndStoredValues()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Table);
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "INSERT INTO {db}.e VALUES (1, 'caf\u00e9', '2024-01-01 00:00:00'), (4, NULL, NULL)",
            "UPDATE {db}.e SET id = 2 WHERE id = 1");

        var events = await StreamAsync(spec, start, 2);

        AssertFields(events.Single(e => e.Type == VEventType.Field).FieldEvent);
        var rows = events.Where(e => e.Type == VEventType.Row).SelectMany(e => e.RowEvent.RowChanges).ToList();
        Assert.Equal(3, rows.Count);
        // Binlog phase: the latin1 bytes as stored ('é' = E9) and the DATETIME unconverted.
        Assert.Equal(["1", "166b40b44aba4bd6", "1", "636166e9", "2024-01-01 00:00:00"], Values(rows[0].After));
        Assert.Equal(["4", "d2fd8867d50d2dfe", "1", null, null], Values(rows[1].After));
        // An update that changes the vindex column changes keyspace_id between the images.
        Assert.Equal(["1", "166b40b44aba4bd6", "1", "636166e9", "2024-01-01 00:00:00"], Values(rows[2].Before));
        Assert.Equal(["2", "06e7ea22ce92708f", "1", "636166e9", "2024-01-01 00:00:00"], Values(rows[2].After));
    }

    [ServerFact]
    public async Task Copy_DerivedColumns_KeyspaceIdLiteralAndConvertedValues()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Table,
            "INSERT INTO {db}.e VALUES (1, 'caf\u00e9', '2024-01-01 00:00:00'), (4, NULL, NULL)");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(Options(spec, "")), CopyHarness.CopyCompleted);

        AssertFields(events.Single(e => e.Type == VEventType.Field).FieldEvent);
        var rows = events.Where(e => e.Type == VEventType.Row).SelectMany(e => e.RowEvent.RowChanges).ToList();
        Assert.Equal(2, rows.Count);
        // Copy phase: the copy query selects convert(`name` using utf8mb4) ('é' = C3 A9) and convert_tz(`at`, …) (+2 h).
        Assert.Equal(["1", "166b40b44aba4bd6", "1", "636166c3a9", "2024-01-01 02:00:00"], Values(rows[0].After));
        Assert.Equal(["4", "d2fd8867d50d2dfe", "1", null, null], Values(rows[1].After));
        Assert.Equal("lastpk:e(4)", VEventFormatter.ToTestString(events.Last(e => e.Type == VEventType.Lastpk && !e.LastPKEvent.Completed)));
    }

    [ServerFact]
    public async Task Copy_KeyspaceIdWithKeyRangeWhere_OnlyRowsOfTheRange()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.e (id BIGINT PRIMARY KEY)",
            "INSERT INTO {db}.e VALUES (1), (2), (3), (4), (5), (6)");
        var filter = new Filter { Rules = { new Rule { Match = "e", Filter = "select keyspace_id(), id from e where in_keyrange('80-')" } } };

        var events = await CopyHarness.CollectAsync(new ShardStreamer(Options(spec, "", filter)), CopyHarness.CopyCompleted);

        // hash(4) = d2fd…, hash(6) = f098…: the 80- rows.
        var rows = events.Where(e => e.Type == VEventType.Row).Select(e => Values(e.RowEvent.RowChanges[0].After)).ToList();
        Assert.Equal([["d2fd8867d50d2dfe", "4"], ["f098480ac4c4be71", "6"]], rows);
    }

    [ServerTheory]
    [InlineData("select keyspace_id() from nv", "table nv has no vindex")]
    [InlineData("select 2 from nv", "only the integer literal 1 is supported")]
    [InlineData("select 'x' from nv", "only integer literals are supported")]
    [InlineData("select convert_tz(id, '+00:00', '+01:00') from nv", "needs an alias naming a column")]
    [InlineData("select convert(id + 1 using utf8mb4) from nv", "unsupported")]
    public async Task Stream_UnsupportedDerivedColumn_InvalidArgumentNamingIt(string filter, string expected)
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.nv (id INT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.nv VALUES (1)");
        var rules = new Filter { Rules = { new Rule { Match = "nv", Filter = filter } } };

        var error = await Assert.ThrowsAsync<VStreamException>(() => spec.StreamAsync(start, 1, rules));

        Assert.Equal(Vtrpc.Code.InvalidArgument, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static ShardStreamerOptions Options(StreamSpec spec, string position, Filter? filter = null)
    {
        var template = spec.Options(position);
        return new ShardStreamerOptions
        {
            Keyspace = template.Keyspace,
            Shard = template.Shard,
            Source = template.Source,
            Database = template.Database,
            Position = position,
            Filter = filter ?? new Filter { Rules = { new Rule { Match = "e", Filter = Select } } },
            PrimaryVindexes = new Dictionary<string, TableVindex> { ["e"] = new("hash", ["id"]) },
        };
    }

    private static async Task<List<VEvent>> StreamAsync(StreamSpec spec, string start, int commits)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<VEvent>();
        await foreach (var batch in new ShardStreamer(Options(spec, start)).StreamAsync(deadline.Token))
        {
            events.AddRange(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
            if (events.Count(e => e.Type == VEventType.Commit) >= commits)
                break;
        }
        return events;
    }

    // Row values as text, except keyspace_id and the latin1/utf8 name, which are shown as hex (raw bytes).
    private static List<string?> Values(Query.Row row)
    {
        var values = new List<string?>();
        var offset = 0;
        var bytes = row.Values.ToByteArray();
        for (var i = 0; i < row.Lengths.Count; i++)
        {
            var length = (int)row.Lengths[i];
            if (length < 0)
            {
                values.Add(null);
                continue;
            }
            var value = bytes.AsSpan(offset, length);
            offset += length;
            values.Add(IsRawColumn(row.Lengths.Count, i) ? Convert.ToHexStringLower(value) : Encoding.ASCII.GetString(value));
        }
        return values;
    }

    // In the five-column select, columns 1 (keyspace_id) and 3 (name); in the two-column one, column 0 (keyspace_id).
    private static bool IsRawColumn(int count, int index) => count == 5 ? index is 1 or 3 : index == 0;
}
