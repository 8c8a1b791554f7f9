using System.Buffers.Binary;
using Binlogdata;
using VGate.MySql.Binlog;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.VStreamer.Schema;
using VGate.VStreamer.Streaming;

namespace VGate.VStreamer.Tests.Streaming;

/// <summary>
/// VEvent fields 26–28 (Vitess v23): every event the streamer makes for a MySQL transaction carries the GTID event's
/// logical clock as <c>commit_parent</c> (last_committed) and <c>sequence_number</c>, and the transaction's GTID as
/// <c>event_gtid</c>; a heartbeat carries none. The GTID event is a real one (go-mysql-org/go-mysql e5cf1da8,
/// replication/event_test.go, TestGTIDEventMysql8NewFields, MIT; the MySQL 5.7 vector of
/// tests/VGate.MySql.Tests/Binlog/Events/GtidEventTests.cs: 5aa72a7f-…:259, last_committed 53, sequence_number 54).
/// </summary>
public sealed class StreamSessionLogicalClockTests
{
    private const string Mysql57Gtid = "005aa72a7f44a811ea947f0242ac19000203010000000000000235000000000000003600000000000000";

    [Fact]
    public async Task MySqlTransaction_EveryEventCarriesTheLogicalClockAndGtid_HeartbeatNone()
    {
        var options = new ShardStreamerOptions { Keyspace = "ks", Shard = "0", Database = "db", Source = new MySqlConnectionOptions() };
        var catalog = SchemaCatalog.Empty("db");
        var session = new StreamSession(options, new RuleTablePlanner(null, options.PrimaryVindexes), catalog,
            _ => Task.FromResult(catalog), tableFilter: null, sendHeartbeats: true);
        var parser = new BinlogEventParser();
        parser.Parse(FormatDescription());
        var transactions = new TransactionClassifier();
        var position = new FixedPosition();

        var events = new List<VEvent>();
        foreach (var bytes in new[]
        {
            Event(EventType.Gtid, Convert.FromHexString(Mysql57Gtid)),
            Event(EventType.Query, Query("BEGIN")),
            Event(EventType.TableMap, TableMap()),
            Event(EventType.WriteRowsV2, WriteRows(7)),
            Event(EventType.Xid, BitConverter.GetBytes(99UL)),
            Event(EventType.Heartbeat, "mysql-bin.000001"u8.ToArray()),
        })
        {
            var binlogEvent = parser.Parse(bytes);
            transactions.Classify(binlogEvent);
            await session.HandleAsync(binlogEvent, transactions, position, CancellationToken.None);
            events.AddRange(session.TakeBatch().Select(e => e.Materialize()));
        }

        Assert.Equal([VEventType.Begin, VEventType.Field, VEventType.Row, VEventType.Gtid, VEventType.Commit, VEventType.Heartbeat],
            events.Select(e => e.Type));
        Assert.All(events.SkipLast(1), e =>
        {
            Assert.Equal(53, e.CommitParent);
            Assert.Equal(54, e.SequenceNumber);
            Assert.Equal("5aa72a7f-44a8-11ea-947f-0242ac190002:259", e.EventGtid);
        });
        var heartbeat = events[^1];
        Assert.Equal((0L, 0L, ""), (heartbeat.CommitParent, heartbeat.SequenceNumber, heartbeat.EventGtid));
    }

    // QUERY_EVENT body: thread id, exec time, db length 0, error 0, no status variables, "\0", the statement.
    private static byte[] Query(string statement) =>
        [.. new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, .. System.Text.Encoding.ASCII.GetBytes(statement)];

    // TABLE_MAP of db.t (id INT NOT NULL), table id 42, with the column name (binlog_row_metadata=FULL).
    private static byte[] TableMap()
    {
        var body = new List<byte> { 42, 0, 0, 0, 0, 0, 0x01, 0x00, 2 };
        body.AddRange("db\0"u8.ToArray());
        body.Add(1);
        body.AddRange("t\0"u8.ToArray());
        body.AddRange(new byte[] { 1, 0x03, 0, 0x00 });
        body.AddRange(new byte[] { 4, 3, 2, (byte)'i', (byte)'d' });
        return [.. body];
    }

    // WRITE_ROWS_EVENT v2 of table 42: flags STMT_END, no extra data, 1 column, bitmap 1, one row (null bitmap 0, id).
    private static byte[] WriteRows(int id)
    {
        var body = new List<byte> { 42, 0, 0, 0, 0, 0, 0x01, 0x00, 2, 0, 1, 0x01, 0x00 };
        body.AddRange(BitConverter.GetBytes(id));
        return [.. body];
    }

    /// <summary>A FORMAT_DESCRIPTION as MySQL 8.0.40 writes it, without checksums.</summary>
    private static byte[] FormatDescription()
    {
        byte[] postHeaders = [0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0];
        var body = new List<byte> { 4, 0 };
        var version = new byte[50];
        "8.0.40"u8.CopyTo(version);
        body.AddRange(version);
        body.AddRange(new byte[] { 0, 0, 0, 0, 19 });
        body.AddRange(postHeaders);
        body.Add((byte)ChecksumAlgorithm.None);
        return Event(EventType.FormatDescription, [.. body]);
    }

    private static byte[] Event(EventType type, byte[] body)
    {
        var bytes = new byte[19 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 1_700_000_000);
        bytes[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(13), 1000);
        body.CopyTo(bytes, 19);
        return bytes;
    }

    private sealed class FixedPosition : IStreamPosition
    {
        public bool IsMariaDb => false;

        public ReplicationPosition? Position { get; } = ReplicationPosition.Parse("MySQL56/5aa72a7f-44a8-11ea-947f-0242ac190002:1-259");
    }
}
