using Binlogdata;
using VGate.Kafka.Events;
using static VGate.Kafka.Tests.Framework.VEvents;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// Transactions larger than <see cref="DebeziumEventOptions.MaxBufferedRowBytes"/>: their row events go to a spill file and
/// are read back at COMMIT, and the records are exactly those of a builder that kept everything in memory.
/// </summary>
public sealed class DebeziumEventBuilderSpillTests
{
    private const long SmallBuffer = 64 * 1024;

    /// <summary>A 3,000-row transaction of about 1 MB (inserts, updates with a key change, deletes), then a small one.</summary>
    private static List<VEvent> Workload()
    {
        var events = new List<VEvent> { Begin(), Field("t") };
        for (var i = 0; i < 3000; i++)
        {
            events.Add((i % 10) switch
            {
                7 => Update("t", i - 1, new string('u', 300), new string('v', 300), newId: i + 100_000),
                8 => Delete("t", i - 2, new string('d', 300)),
                _ => Insert("t", i, new string((char)('a' + (i % 26)), 300)),
            });
        }
        events.Add(Field("t2"));
        events.Add(Insert("t2", 1, "second table"));
        events.Add(Vgtid("MariaDB/0-1-1"));
        events.Add(Commit());
        events.AddRange(Transaction("MariaDB/0-1-2", "0", Insert("t", 5000, "small")));
        return events;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FeedTryRenderNext_TransactionLargerThanTheBuffer_SpillsAndRendersTheSameRecords(bool transactionMetadata)
    {
        var events = Workload();
        var options = new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), TransactionMetadata = transactionMetadata };
        var (expected, expectedPosition) = Records.Build(events, options);

        using var builder = new DebeziumEventBuilder(new DebeziumEventOptions
        {
            TopicPrefix = "dbz",
            TimeProvider = new FixedTimeProvider(),
            TransactionMetadata = transactionMetadata,
            MaxBufferedRowBytes = SmallBuffer,
        });
        var actual = new List<ChangeRecord>();
        var spilled = new List<long>();
        foreach (var vevent in events)
        {
            if (vevent.Type == VEventType.Commit)
                spilled.Add(builder.TransactionSpilledBytes);
            builder.Feed(vevent);
            while (builder.TryRenderNext(out var record))
                actual.Add(new ChangeRecord(record.Topic, record.Key?.ToArray(), record.Value?.ToArray(), record.Position) { Headers = record.Headers });
        }

        // The big transaction went to disk (most of its ~1 MB), the small one did not.
        Assert.Equal(2, spilled.Count);
        Assert.InRange(spilled[0], 800_000, 2_000_000);
        Assert.Equal(0, spilled[1]);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Topic, actual[i].Topic);
            Assert.Equal(expected[i].Position, actual[i].Position);
            Assert.Equal(expected[i].Key, actual[i].Key);
            Assert.Equal(expected[i].Value, actual[i].Value);
            Assert.Equal(expected[i].Headers?.Select(h => (h.Key, Convert.ToHexString(h.Value))), actual[i].Headers?.Select(h => (h.Key, Convert.ToHexString(h.Value))));
        }
        Assert.Equal(expectedPosition, builder.Position);
    }

    [Fact]
    public void Feed_RollbackOfASpilledTransaction_NextTransactionStartsClean()
    {
        using var builder = new DebeziumEventBuilder(new DebeziumEventOptions { TopicPrefix = "dbz", TimeProvider = new FixedTimeProvider(), MaxBufferedRowBytes = SmallBuffer });
        var records = new List<ChangeRecord>();
        builder.Add(Begin(), records);
        builder.Add(Field("t"), records);
        for (var i = 0; i < 1000; i++)
            builder.Add(Insert("t", i, new string('x', 300)), records);
        Assert.True(builder.TransactionSpilledBytes > 0);
        builder.Add(new VEvent { Type = VEventType.Rollback, Keyspace = Keyspace, Shard = "0" }, records);
        Assert.Equal(0, builder.TransactionSpilledBytes);

        foreach (var vevent in Transaction("MariaDB/0-1-9", "0", Insert("t", 42, "kept")))
            builder.Add(vevent, records);

        var record = Assert.Single(records);
        Assert.Equal(42, Records.Payload(record.Value).GetProperty("after").GetProperty("id").GetInt32());
    }
}
