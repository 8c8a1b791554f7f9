using Binlogdata;
using VGate.Kafka.Events;
using VGate.Testing;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// The sink's way of taking records, <see cref="DebeziumEventBuilder.Feed"/> and
/// <see cref="DebeziumEventBuilder.TryRenderNext"/> (one record at a time in reused buffers), over real VEvents from a
/// real MariaDB through the real gateway: the same bytes, positions and headers as <see cref="DebeziumEventBuilder.Add"/>,
/// and the position only moves once a transaction's last record is taken.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DebeziumEventRenderTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static readonly string[] Statements =
    [
        "INSERT INTO {db}.t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)",
        "UPDATE {db}.t SET qty = qty + 10",
        "UPDATE {db}.t SET id = 20, name = 'moved' WHERE id = 2",
        "DELETE FROM {db}.t WHERE id IN (1, 3)",
        "INSERT INTO {db}.nokey VALUES ('x', 1), ('y', 2)",
        "DELETE FROM {db}.nokey",
        "ALTER TABLE {db}.t ADD COLUMN extra INT",
        "INSERT INTO {db}.t VALUES (4, 'd', 4, 40)",
    ];

    [ServerTheory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task TryRenderNext_SameRecordsAsAdd(bool schemas, bool transactionMetadata)
    {
        var events = await StreamAsync();
        DebeziumEventOptions Options() => new()
        {
            TopicPrefix = "dbz",
            SchemasEnabled = schemas,
            TransactionMetadata = transactionMetadata,
            IncludeSchemaChanges = true,
            TimeProvider = new FixedTimeProvider(),
        };
        var (expected, expectedPosition) = Records.Build(events, Options());

        var rendered = new List<ChangeRecord>();
        using var builder = new DebeziumEventBuilder(Options());
        foreach (var vevent in events)
        {
            builder.Feed(vevent);
            while (builder.TryRenderNext(out var record))
            {
                // Copied at once: the next call writes over the buffers the view points into.
                rendered.Add(record.ToChangeRecord());
            }
        }

        Assert.Equal(expected.Count, rendered.Count);
        Assert.Contains(expected, r => r.Value is null);
        Assert.Contains(expected, r => r.Headers is not null);
        Assert.Contains(expected, r => r.Key is null);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Topic, rendered[i].Topic);
            Assert.Equal(expected[i].Position, rendered[i].Position);
            Assert.Equal(expected[i].Key, rendered[i].Key);
            Assert.Equal(expected[i].Value, rendered[i].Value);
            Assert.Equal(expected[i].Headers?.Select(h => (h.Key, h.Value)), rendered[i].Headers?.Select(h => (h.Key, h.Value)));
        }
        Assert.Equal(expectedPosition, builder.Position);
    }

    [ServerFact]
    public async Task TryRenderNext_PositionMovesAfterTheLastRecord_FeedRefusesWhileRecordsWait()
    {
        var events = await StreamAsync();
        using var builder = new DebeziumEventBuilder(Records.Options());
        var commits = 0;
        foreach (var vevent in events)
        {
            var before = builder.Position;
            builder.Feed(vevent);
            if (vevent.Type != VEventType.Commit || !builder.TryRenderNext(out var first))
                continue;
            commits++;
            Assert.Same(before, builder.Position);
            Assert.Equal(0, first.Position.Index);
            var error = Assert.Throws<InvalidOperationException>(() => builder.Feed(new VEvent { Type = VEventType.Heartbeat }));
            Assert.Contains("TryRenderNext", error.Message, StringComparison.Ordinal);
            var count = 1;
            while (builder.TryRenderNext(out var record))
            {
                Assert.Equal(count++, record.Position.Index);
                Assert.Same(before, builder.Position);
            }
            Assert.NotSame(before, builder.Position);
            Assert.Equal(first.Position.Gtid, builder.Position!.ShardGtids.Single().Gtid);
            Assert.False(builder.TryRenderNext(out _));
        }
        Assert.Equal(7, commits);
    }

    private async Task<List<VEvent>> StreamAsync()
    {
        var capture = await VStreamCapture.CreateAsync(fixture,
            "CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20), qty INT)",
            "CREATE TABLE {db}.nokey (name VARCHAR(20), qty INT)");
        var position = await capture.PositionAsync();
        await capture.ExecuteAsync(Statements);
        return await capture.StreamAsync(position, VStreamCapture.Ends(Statements.Length));
    }
}
