using System.Text.Json;
using Binlogdata;
using VGate.Testing;

namespace VGate.Kafka.Tests.Events;

/// <summary>A MariaDB whose binlog is written with <c>binlog_row_image=NOBLOB</c>.</summary>
public sealed class NoBlobSourceFixture() : MariaDbFixture(new MariaDbServerOptions { Name = "kafka-noblob", BinlogRowImage = BinlogRowImage.NoBlob });

/// <summary>
/// A NOBLOB source end to end: real row events through the real gateway into records. A BLOB or TEXT column the image
/// left out (its <c>data_columns</c> bit clear) becomes Debezium's unavailable value placeholder, never a NULL that a
/// consumer would apply over the value it has.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DebeziumEventBuilderNoBlobTests(NoBlobSourceFixture fixture) : IClassFixture<NoBlobSourceFixture>
{
    private const string Placeholder = "__debezium_unavailable_value";

    [ServerFact]
    public async Task Add_UpdatesOnANoBlobSource_UnchangedBlobAndTextArePlaceholders_ChangedOnesAreValues()
    {
        var capture = await VStreamCapture.CreateAsync(fixture,
            "CREATE TABLE {db}.t (id INT PRIMARY KEY, b BLOB, doc TEXT, v VARCHAR(10))",
            "INSERT INTO {db}.t VALUES (1, 'blob', 'text', 'a')");
        var start = await capture.PositionAsync();
        await capture.ExecuteAsync(
            "UPDATE {db}.t SET v = 'b' WHERE id = 1",
            "UPDATE {db}.t SET b = 'new', doc = NULL WHERE id = 1");

        var events = await capture.StreamAsync(start, VStreamCapture.Ends(2));
        var (records, _) = Records.Build(events, Records.Options());

        // The gateway passed the bitmap on: id and v in the image, b and doc not.
        var first = events.First(e => e.Type == VEventType.Row).RowEvent.RowChanges[0];
        Assert.Equal(4, first.DataColumns.Count);
        Assert.Equal([0b1001], first.DataColumns.Cols.ToByteArray());

        var changes = Records.Changes(records);
        Assert.Equal(2, changes.Count);
        var after = Records.Payload(changes[0].Value).GetProperty("after");
        Assert.Equal("b", after.GetProperty("v").GetString());
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Placeholder)), after.GetProperty("b").GetString());
        Assert.Equal(Placeholder, after.GetProperty("doc").GetString());

        // The second update wrote both: the BLOB's new value and TEXT's real NULL.
        var second = Records.Payload(changes[1].Value).GetProperty("after");
        Assert.Equal(Convert.ToBase64String("new"u8), second.GetProperty("b").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("doc").ValueKind);
    }
}
