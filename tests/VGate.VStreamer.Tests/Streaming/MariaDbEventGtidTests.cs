using Binlogdata;
using VGate.MySql.Positions;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.Streaming;

/// <summary>
/// VEvent fields 26–28 against a real MariaDB: every event of a transaction carries its GTID (<c>domain-server-seq</c>)
/// as <c>event_gtid</c>, the one the transaction's GTID event position ends with; MariaDB has no logical clock
/// (its GTID event's commit_id only groups commits), so <c>commit_parent</c> and <c>sequence_number</c> stay 0.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MariaDbEventGtidTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    [ServerFact]
    public async Task Transactions_EveryEventCarriesItsOwnGtid_NoLogicalClock()
    {
        var spec = await StreamSpec.CreateAsync(fixture, "CREATE TABLE {db}.t (id INT PRIMARY KEY)");
        var start = await spec.PositionAsync();
        await spec.ExecuteAsync("INSERT INTO {db}.t VALUES (1)", "INSERT INTO {db}.t VALUES (2), (3)");
        var after = await spec.PositionAsync();

        var events = await spec.StreamAsync(start, transactionEnds: 2);

        var transactions = Split(events);
        Assert.Equal(2, transactions.Count);
        var ends = new List<string>();
        foreach (var transaction in transactions)
        {
            var own = transaction.Single(e => e.Type == VEventType.Gtid).Gtid;
            var position = ReplicationPosition.Parse(own).MariaDbGtidList!;
            Assert.All(transaction, e =>
            {
                Assert.Equal(0, e.CommitParent);
                Assert.Equal(0, e.SequenceNumber);
                Assert.Contains(e.EventGtid, position.ToString().Split(','));
            });
            Assert.Single(transaction.Select(e => e.EventGtid).Distinct());
            ends.Add(transaction[0].EventGtid);
        }
        Assert.NotEqual(ends[0], ends[1]);
        Assert.EndsWith(ends[1], after, StringComparison.Ordinal);
    }

    private static List<List<VEvent>> Split(List<VEvent> events)
    {
        var transactions = new List<List<VEvent>>();
        List<VEvent>? current = null;
        foreach (var vevent in events)
        {
            if (vevent.Type == VEventType.Begin)
                current = [];
            current?.Add(vevent);
            if (vevent.Type == VEventType.Commit && current is not null)
            {
                transactions.Add(current);
                current = null;
            }
        }
        return transactions;
    }
}
