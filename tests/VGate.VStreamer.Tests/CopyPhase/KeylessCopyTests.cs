using System.Globalization;
using Binlogdata;
using MySqlConnector;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// The copy phase of tables with neither a primary key nor a NOT NULL unique key, against a real MariaDB: rows with
/// NULLs, identical rows, values that a case-insensitive PAD SPACE collation calls equal, rows that differ only in a
/// DOUBLE, and TEXT values that differ only after the 1024 bytes the copy sorts by; copied whole, and resumed from every
/// lastpk the copy sent, each time checked against <c>SELECT</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeylessCopyTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static readonly string LongA = new string('q', 2000) + "a";
    private static readonly string LongB = new string('q', 2000) + "b";

    private static string[] Setup() =>
    [
        "CREATE TABLE {db}.nk (a INT, b VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, f DOUBLE, t TEXT) ENGINE=InnoDB",
        "CREATE TABLE {db}.other (id INT PRIMARY KEY)",
        "INSERT INTO {db}.other VALUES (1)",
        "INSERT INTO {db}.nk VALUES (5, '', NULL, NULL), (1, 'x', 1.5, 't'), (NULL, NULL, NULL, NULL), (2, 'a ', 0, ''), " +
            "(3, 'y', 0.2, 'z'), (1, 'x', 1.5, 't'), (NULL, 'x', NULL, NULL), (2, 'A', 0, ''), (1, 'x', 1.5, 't'), " +
            $"(3, 'y', 0.1, 'z'), (NULL, NULL, NULL, NULL), (2, 'a', 0, ''), (4, NULL, NULL, '{LongB}'), (4, NULL, NULL, '{LongA}')",
    ];

    [ServerFact]
    public async Task Copy_KeylessTable_OrderedByItsColumnsIdenticalRowsNeverSplit()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Setup());

        var events = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, tablesToCopy: ["nk"], packetSize: 1)), CopyHarness.CopyCompleted);

        // One batch per distinct row in (a, b as bytes, t as bytes) order, NULL first: the two NULL rows, then
        // (NULL,'x'), the three identical (1,'x',1.5,'t'), 'A' < 'a' < 'a ' as bytes, the two rows that differ only
        // in the DOUBLE together, and the two long TEXTs, which differ only after the 1024 bytes the server sorts by, together.
        var batches = Batches(events);
        Assert.Equal([2, 1, 3, 1, 1, 1, 2, 2, 1, 0], batches.Select(b => b.Rows.Count));
        var lastpks = batches.Select(b => VEventFormatter.ToTestString(b.LastPk)).ToList();
        Assert.Contains(lastpks[7], new[] { $"lastpk:nk(4,NULL,'{LongA}')", $"lastpk:nk(4,NULL,'{LongB}')" });
        lastpks.RemoveAt(7);
        Assert.Equal(
        [
            "lastpk:nk(NULL,NULL,NULL)", "lastpk:nk(NULL,'x',NULL)", "lastpk:nk(1,'x','t')", "lastpk:nk(2,'A','')",
            "lastpk:nk(2,'a','')", "lastpk:nk(2,'a ','')", "lastpk:nk(3,'y','z')", "lastpk:nk(5,'',NULL)", "lastpk:nk completed",
        ], lastpks);
        Assert.DoesNotContain(events, e => e.Type == VEventType.Row && e.RowEvent.TableName == "other");
        Assert.Equal(await SelectAsync(spec), Sorted(events));
    }

    [ServerFact]
    public async Task Copy_KeylessTable_ResumedAfterEveryLastPk_EveryRowExactlyOnce()
    {
        var spec = await StreamSpec.CreateAsync(fixture, Setup());
        var expected = await SelectAsync(spec);
        var full = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, tablesToCopy: ["nk"], packetSize: 1)), CopyHarness.CopyCompleted);
        var gtid = full.Single(e => e.Type == VEventType.Gtid).Gtid;
        var batches = Batches(full);

        for (var k = 0; k < batches.Count - 1; k++)
        {
            var delivered = batches.Take(k + 1).SelectMany(b => b.Rows).ToList();
            var resumed = await CopyHarness.CollectAsync(
                new ShardStreamer(CopyHarness.Options(spec, gtid, tablePKs: [batches[k].LastPk.LastPKEvent.TableLastPK], packetSize: 100)),
                CopyHarness.CopyCompleted);

            var all = delivered.Concat(resumed.Where(e => e.Type == VEventType.Row)).ToList();
            Assert.True(expected.SequenceEqual(Sorted(all)), $"resumed after batch {k + 1} ({VEventFormatter.ToTestString(batches[k].LastPk)})");
        }
    }

    [ServerFact]
    public async Task Copy_KeylessTableOfDoublesOnly_OneBatchWhoseLastPkHasNoFields()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
            "CREATE TABLE {db}.d (f DOUBLE, g FLOAT)",
            "INSERT INTO {db}.d VALUES (0.1, 1), (0.3, NULL), (NULL, 2), (0.1, 1)");

        var events = await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec, packetSize: 1)), CopyHarness.CopyCompleted);

        // Nothing orders exactly: every row goes out in one batch, and resuming after it copies nothing more.
        var batches = Batches(events);
        Assert.Equal([4, 0], batches.Select(b => b.Rows.Count));
        Assert.Empty(batches[0].LastPk.LastPKEvent.TableLastPK.Lastpk.Fields);
        var resumed = await CopyHarness.CollectAsync(
            new ShardStreamer(CopyHarness.Options(spec, events.Single(e => e.Type == VEventType.Gtid).Gtid, tablePKs: [batches[0].LastPk.LastPKEvent.TableLastPK])),
            CopyHarness.CopyCompleted);
        Assert.DoesNotContain(resumed, e => e.Type == VEventType.Row);
    }

    /// <summary>The copy's batches: the ROW events up to each LASTPK, and that LASTPK.</summary>
    private static List<(List<VEvent> Rows, VEvent LastPk)> Batches(List<VEvent> events)
    {
        var batches = new List<(List<VEvent>, VEvent)>();
        var rows = new List<VEvent>();
        foreach (var vevent in events)
        {
            if (vevent.Type == VEventType.Row)
            {
                rows.Add(vevent);
            }
            else if (vevent.Type == VEventType.Lastpk)
            {
                batches.Add((rows, vevent));
                rows = [];
            }
        }
        return batches;
    }

    private static List<string> Sorted(IEnumerable<VEvent> events) =>
        events.Where(e => e.Type == VEventType.Row && e.RowEvent.TableName == "nk")
            .SelectMany(e => e.RowEvent.RowChanges)
            .Select(c => Key(VEventFormatter.Decode(c.After)))
            .Order(StringComparer.Ordinal)
            .ToList();

    private async Task<List<string>> SelectAsync(StreamSpec spec)
    {
        var rows = new List<string>();
        await using var connection = new MySqlConnection(fixture.Server.ConnectionString(spec.Database));
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT a, b, f, t FROM nk", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new string?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
                values[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(Key(values));
        }
        Assert.Equal(14, rows.Count);
        return rows.Order(StringComparer.Ordinal).ToList();
    }

    private static string Key(IReadOnlyList<string?> values) => string.Join("|", values.Select(v => v ?? "<NULL>"));
}
