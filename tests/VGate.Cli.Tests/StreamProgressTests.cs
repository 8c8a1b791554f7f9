using Binlogdata;
using Microsoft.Extensions.Time.Testing;
using VGate.Cli.Commands;
using VGate.Cli.Output;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate stream</c>'s copy progress line, driven by VEvents shaped as the copy phase sends them (docs/stream-json.md,
/// "Copy phase") and a fake clock: tables done from <c>table_p_ks</c>, the rate of the last 10 seconds, the ETA from the
/// row estimates and how it behaves when an estimate is too low; the line cut to the terminal width.
/// </summary>
public sealed class StreamProgressTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _error = new();
    private int _width;

    public void Dispose() => _error.Dispose();

    private StreamProgress Create(IReadOnlyDictionary<string, long>? estimates = null)
    {
        var progress = new StreamProgress(_error, _time, () => _width);
        if (estimates is not null)
            progress.SetEstimates(estimates);
        progress.ExpectCopy();
        return progress;
    }

    private static VEvent Vgtid(params (string Shard, string[] Tables)[] shards)
    {
        var vgtid = new VGtid();
        foreach (var (shard, tables) in shards)
        {
            var entry = new ShardGtid { Keyspace = "ks", Shard = shard, Gtid = "MariaDB/0-1-5" };
            foreach (var table in tables)
                entry.TablePKs.Add(new TableLastPK { TableName = table });
            vgtid.ShardGtids.Add(entry);
        }
        return new VEvent { Type = VEventType.Vgtid, Vgtid = vgtid };
    }

    private static VEvent Vgtid(params string[] tables) => Vgtid(("0", tables));

    private static VEvent Rows(string table, int count, string shard = "0")
    {
        var row = new RowEvent { TableName = "ks." + table, Keyspace = "ks", Shard = shard };
        for (var i = 0; i < count; i++)
            row.RowChanges.Add(new RowChange());
        return new VEvent { Type = VEventType.Row, RowEvent = row, Keyspace = "ks", Shard = shard };
    }

    private static VEvent CopyCompleted(string keyspace = "", string shard = "") =>
        new() { Type = VEventType.CopyCompleted, Keyspace = keyspace, Shard = shard };

    private void At(double seconds) => _time.SetUtcNow(_time.Start.AddSeconds(seconds));

    [Theory]
    [InlineData(0, "0:00:00")]
    [InlineData(0.2, "0:00:01")]
    [InlineData(59, "0:00:59")]
    [InlineData(61, "0:01:01")]
    [InlineData(3600, "1:00:00")]
    [InlineData(90061, "25:01:01")]
    public void FormatEta_Seconds_HoursMinutesSecondsRoundedUp(double seconds, string expected) =>
        Assert.Equal(expected, StreamProgress.FormatEta(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Observe_CopyOfTwoTablesWithEstimates_EtaFromRowsLeftOverTheRate()
    {
        var progress = Create(new Dictionary<string, long> { ["a"] = 1000, ["b"] = 500 });

        progress.Observe(Vgtid("a"));
        // No rate before a second has passed: no ETA yet.
        Assert.Equal("copy: 0 of 2 tables done, 0 of ~1,500 rows, 0 rows/s", progress.LastLine);

        At(1);
        progress.Observe(Rows("a", 100));
        // 1,400 rows left at 100 rows/s.
        Assert.Equal("copy: 0 of 2 tables done, 100 of ~1,500 rows, 100 rows/s, ETA 0:00:14", progress.LastLine);

        At(1.2);
        progress.Observe(Rows("a", 100));
        Assert.Equal("copy: 0 of 2 tables done, 100 of ~1,500 rows, 100 rows/s, ETA 0:00:14", progress.LastLine); // not redrawn within half a second

        At(2);
        progress.Observe(Rows("a", 800));
        // Table a is at its estimate but not done: the 500 rows of b are a lower bound.
        Assert.Equal("copy: 0 of 2 tables done, 1,000 of ~1,500 rows, 500 rows/s, ETA >0:00:01", progress.LastLine);

        At(3);
        progress.Observe(Vgtid("b"));
        // a left table_p_ks: done. 500 rows left at 1,000 rows / 3 s.
        Assert.Equal("copy: 1 of 2 tables done, 1,000 of ~1,500 rows, 333 rows/s, ETA 0:00:02", progress.LastLine);

        At(4);
        progress.Observe(Rows("b", 600));
        // b is past its estimate and nothing else is left: no ETA rather than an invented one.
        Assert.Equal("copy: 1 of 2 tables done, 1,600 of ~1,500 rows, 400 rows/s", progress.LastLine);

        At(5);
        progress.Observe(CopyCompleted("ks", "0"));
        Assert.Equal("copy: 2 of 2 tables done, 1,600 of ~1,500 rows, 320 rows/s", progress.LastLine);

        progress.Observe(CopyCompleted());
        Assert.EndsWith("\r\x1b[K", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("-", _error.ToString().Replace("\x1b[K", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_RateDropsForTenSeconds_EtaFollowsTheRecentRate()
    {
        var progress = Create(new Dictionary<string, long> { ["a"] = 100_000 });
        progress.Observe(Vgtid("a"));
        for (var second = 1; second <= 30; second++)
        {
            At(second);
            progress.Observe(Rows("a", second <= 20 ? 100 : 10));
        }

        // 2,100 rows after 30 s (70 rows/s on average), but 10 rows/s over the last 10 s: 97,900 rows left take 9,790 s.
        Assert.Equal("copy: 0 of 1 tables done, 2,100 of ~100,000 rows, 10 rows/s, ETA 2:43:10", progress.LastLine);
    }

    [Fact]
    public void Observe_EtaBeyondAHundredHours_ShownAsAtLeast()
    {
        var progress = Create(new Dictionary<string, long> { ["a"] = 1_000_000_000 });
        progress.Observe(Vgtid("a"));
        At(2);
        progress.Observe(Rows("a", 2));

        Assert.Equal("copy: 0 of 1 tables done, 2 of ~1,000,000,000 rows, 1 rows/s, ETA >99:59:59", progress.LastLine);
    }

    [Fact]
    public void Observe_TwoShards_TableDoneOnlyWhenDoneOnBoth()
    {
        var progress = Create(new Dictionary<string, long> { ["a"] = 300, ["b"] = 100 });
        progress.Observe(Vgtid(("-80", ["a"]), ("80-", ["a"])));
        At(1);
        progress.Observe(Rows("a", 150, "-80"));
        At(2);
        progress.Observe(Vgtid(("-80", ["b"]), ("80-", ["a"])));
        Assert.StartsWith("copy: 0 of 2 tables done, 150 of ~400 rows", progress.LastLine, StringComparison.Ordinal);

        At(3);
        progress.Observe(Rows("a", 150, "80-"));
        At(4);
        progress.Observe(Vgtid(("-80", ["b"]), ("80-", ["b"])));
        // a is done on both shards; b's 100 rows remain at 300 rows / 4 s.
        Assert.Equal("copy: 1 of 2 tables done, 300 of ~400 rows, 75 rows/s, ETA 0:00:02", progress.LastLine);
    }

    [Fact]
    public void Observe_WithoutEstimates_NoTotalAndNoEta()
    {
        var progress = Create();
        progress.Observe(Vgtid("a"));
        At(1);
        progress.Observe(Rows("a", 100));

        Assert.Equal("copy: 0 tables done, 100 rows, 100 rows/s", progress.LastLine);
    }

    [Fact]
    public void Observe_NarrowTerminal_LineCutBeforeTheLastColumn()
    {
        _width = 30;
        var progress = Create(new Dictionary<string, long> { ["a"] = 1000 });
        progress.Observe(Vgtid("a"));

        Assert.Equal("copy: 0 of 1 tables done, 0 o", progress.LastLine);
        Assert.Equal("\rcopy: 0 of 1 tables done, 0 o\x1b[K", _error.ToString());
    }

    [Fact]
    public void Observe_StreamingWithoutCopy_DrawsNothing()
    {
        var progress = new StreamProgress(_error, _time, () => 0);
        progress.Observe(Vgtid(Array.Empty<string>()));
        progress.Observe(Rows("a", 5));

        Assert.Null(progress.LastLine);
        Assert.Equal("", _error.ToString());
    }

    [Theory]
    [InlineData(null, "customer", true)]
    [InlineData("customer,corder", "corder", true)]
    [InlineData("customer,corder", "customers", false)]
    [InlineData("""[{"match":"/^cust/"}]""", "customer", true)]
    [InlineData("""[{"match":"/^cust/"}]""", "corder", false)]
    [InlineData("""[{"match":"/.*"}]""", "anything", true)]
    [InlineData("""[{"match":"/(unclosed"}]""", "anything", false)]
    public void Selected_FilterRules_TablesTheCopyReads(string? filter, string table, bool selected) =>
        Assert.Equal(selected, CopyEstimates.Selected(filter is null ? null : StreamCommand.ParseFilter(filter), table));
}
