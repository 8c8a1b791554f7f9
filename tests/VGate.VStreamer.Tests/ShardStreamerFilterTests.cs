using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests;

/// <summary>Filter rules applied to a real binlog: column subsets, predicates, key ranges through vindexes, bad rules.</summary>
[Trait("Category", "Integration")]
public sealed class ShardStreamerFilterTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static Filter Rules(params (string Match, string Filter)[] rules)
    {
        var filter = new Filter();
        foreach (var (match, text) in rules)
            filter.Rules.Add(new Rule { Match = match, Filter = text });
        return filter;
    }

    [ServerFact]
    public async Task Stream_SelectColumnsWhere_SendsSubsetAndOnlyMatchingImages()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.p (id INT PRIMARY KEY, name VARCHAR(10), price DECIMAL(6,2), note TEXT)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync(
            "INSERT INTO {db}.p VALUES (1, 'cheap', 1.00, 'x'), (2, 'mid', 50.00, NULL), (3, 'dear', 500.00, 'y')",
            "UPDATE {db}.p SET price = 600.00 WHERE id = 2",
            "UPDATE {db}.p SET price = 2.00 WHERE id = 1");

        var events = await spec.StreamAsync(start, 3, Rules(("p", "select id, price from p where price between 10 and 1000 and name is not null")));

        Assert.Equal(
        [
            "begin", "field:p[id:INT32:int(11):NOT_NULL|PRI_KEY,price:DECIMAL:decimal(6,2)]", "row:p insert(2,'50.00'); insert(3,'500.00')", "gtid", "commit",
            "begin", "row:p update(2,'50.00'→2,'600.00')", "gtid", "commit",
            "begin", "gtid", "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_InListAndNotEqual_FilterRows()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.s (id INT PRIMARY KEY, state CHAR(2))");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.s VALUES (1, 'CA'), (2, 'ny'), (3, 'TX'), (4, NULL)");

        var events = await spec.StreamAsync(start, 1, Rules(("s", "select * from s where state in ('ca', 'NY') and id != 5")));

        Assert.Contains("row:s insert(1,'CA'); insert(2,'ny')", StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_KeyRangeRuleWithHashVindex_OnlyRowsOfThatShardAndMovesBecomeDeletes()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.k (id BIGINT PRIMARY KEY, v INT)");
        var start = await spec.PositionAsync();
        // hash(1), hash(2), hash(3), hash(5) are in -80; hash(0), hash(4), hash(6) are in 80- (vstream-spec §3 vectors).
        await spec.ExecuteAsync(
            "INSERT INTO {db}.k VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0)",
            "DELETE FROM {db}.k WHERE id = 2",
            "UPDATE {db}.k SET id = 0 WHERE id = 1",
            "UPDATE {db}.k SET id = 2 WHERE id = 6",
            "UPDATE {db}.k SET v = 1 WHERE id = 4");

        var events = await StreamAsync(spec, start, 5, Rules(("/.*", "-80")), new Dictionary<string, TableVindex> { ["k"] = new("hash", ["id"]) });

        Assert.Equal(
        [
            "begin", "field:k[id:INT64:bigint(20):NOT_NULL|PRI_KEY,v:INT32:int(11)]", "row:k insert(1,0); insert(2,0); insert(3,0); insert(5,0)", "gtid", "commit",
            "begin", "row:k delete(2,0)", "gtid", "commit",
            // A row that moves out of the shard's range arrives as a delete, one that moves in as an insert.
            "begin", "row:k delete(1,0)", "gtid", "commit",
            "begin", "row:k insert(2,0)", "gtid", "commit",
            "begin", "gtid", "commit",
        ], StreamSpec.Format(events));
    }

    [ServerFact]
    public async Task Stream_InKeyrangeWithXxhash_FiltersByTheNamedVindex()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.x (id BIGINT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.x VALUES (1)");

        // xxhash(1) = d46405367612b4b7, which is in 80-.
        var inRange = await spec.StreamAsync(start, 1, Rules(("x", "select * from x where in_keyrange(id, 'xxhash', '80-')")));
        var outOfRange = await spec.StreamAsync(start, 1, Rules(("x", "select * from x where in_keyrange(id, 'xxhash', '-80')")));

        Assert.Contains("row:x insert(1)", StreamSpec.Format(inRange));
        Assert.DoesNotContain(StreamSpec.Format(outOfRange), t => t.StartsWith("row:", StringComparison.Ordinal));
    }

    [ServerTheory]
    [InlineData("select * from b where", "syntax error")]
    [InlineData("select id from other", "does not match the table entry name")]
    [InlineData("select nope from b", "nope")]
    [InlineData("select * from b where id like 'x'", "like")]
    public async Task Stream_BadFilter_InvalidArgumentQuotingTheProblem(string filter, string expected)
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.b (id INT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.b VALUES (1)");

        var error = await Assert.ThrowsAsync<VStreamException>(() => spec.StreamAsync(start, 1, Rules(("b", filter))));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [ServerFact]
    public async Task Stream_KeyRangeRuleOnTableWithoutVindex_InvalidArgument()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.nv (id INT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.nv VALUES (1)");

        var error = await Assert.ThrowsAsync<VStreamException>(() => spec.StreamAsync(start, 1, Rules(("/.*", "-80"))));

        AssertVStream.Code(Vtrpc.Code.InvalidArgument, error);
        Assert.Contains("vindex", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<VEvent>> StreamAsync(StreamSpec spec, string start, int ends, Filter filter, Dictionary<string, TableVindex> vindexes)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var options = spec.Options(start, filter);
        var streamer = new ShardStreamer(new ShardStreamerOptions
        {
            Keyspace = options.Keyspace,
            Shard = options.Shard,
            Source = options.Source,
            Database = options.Database,
            Position = options.Position,
            Filter = filter,
            PrimaryVindexes = vindexes,
        });
        var events = new List<VEvent>();
        var seen = 0;
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            events.AddRange(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
            seen += batch.Count(e => e.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other);
            if (seen >= ends)
                break;
        }
        return events;
    }
}
