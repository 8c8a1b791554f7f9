using System.Buffers.Binary;
using System.IO.Hashing;
using Binlogdata;
using VGate.MySql.Binlog;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.VStreamer.Schema;
using VGate.VStreamer.Streaming;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.Streaming;

/// <summary>
/// PARTIAL_UPDATE_ROWS events written by MySQL 8.0.40 with <c>binlog_row_value_options=PARTIAL_JSON</c> (Vitess
/// go/mysql/binlog_event_mysql56_test.go TestMySQL56PartialUpdateRowsEvent, planetscale/vitess 1d670644a343, Apache-2.0;
/// ../shared/fixtures/mysql/vectors/partial_update_rows_mysql8040.json) through the streamer: a row whose JSON column is
/// a diff carries the Vitess expression, <c>json_partial_values</c> (one bit per JSON column of the table) and
/// <c>data_columns</c> (the event's after-image bitmap as MySQL wrote it); a row that sets the whole document carries
/// neither. Table: <c>customer(customer_id bigint, email varbinary(128), jd json)</c>.
/// </summary>
public sealed class StreamSessionPartialJsonTests
{
    // "JSON object": one row, jd = JSON_INSERT(jd, '$.misc', …); no checksum; column bitmaps 07 07.
    private const string JsonObjectDiff =
        "d0a0596727ca3bd644f200000000000000000099000000000001000200030707000100000000000000136e6577616c69636540646f6d61" +
        "696e2e636f6d4900000000040048002000030023000400270005002c0006000c32000c3c000c4400056400646179726f6c65636f6c6f72" +
        "73616c617279097765646e6573646179076d616e61676572037265640101000100000000000000136e6577616c69636540646f6d61696e" +
        "2e636f6d450000000106242e6d6973633c0c3a7b2261646472657373223a22313031322053205061726b222c2022746f776e223a224861" +
        "7374696e6773222c20227374617465223a224d49227d";

    // "JSON null": one row, jd set to the whole document null (value options 0: no diff); no checksum.
    private const string JsonNullWhole =
        "6dc8586727395bba00c2000000000000000000b2000000000001000200030707000500000000000000116e657765766540646f6d61696e" +
        "2e636f6d610000000005006000270003002a0004002e0005003300060039000e000c47000c4e000c56000564000c5a00646179726f6c65" +
        "636f6c6f7273616c6172796661766f726974655f636f6c6f7206667269646179076d616e616765720372656405626c61636b0000050000" +
        "0000000000116e657765766540646f6d61696e2e636f6d020000000400";

    // "REPLACE": one row, jd = JSON_REPLACE(jd, '$.role', 'IC'); recorded with its CRC stripped; column bitmaps ff ff.
    private const string ReplaceDiff =
        "9b155767272f8e8f0c94000000876a00000000b000000000000100020003ffff00010000000000000010616c69636540646f6d61696e2e" +
        "636f6d25000000000200240012000400160006000c1c00056400726f6c6573616c617279076d616e616765720101000100000000000000" +
        "10616c69636540646f6d61696e2e636f6d0d0000000006242e726f6c65040c024943";

    [Fact]
    public async Task PartialJsonDiff_ExpressionWithJsonPartialValuesAndDataColumns()
    {
        var change = Assert.Single((await StreamAsync(JsonObjectDiff, crc: false, filter: null)).RowChanges);

        var after = VEventFormatter.Decode(change.After);
        Assert.Equal(["1", "newalice@domain.com",
            "JSON_INSERT(%s, _utf8mb4'$.misc', CAST(JSON_QUOTE(_utf8mb4'{\"address\":\"1012 S Park\", \"town\":\"Hastings\", \"state\":\"MI\"}') as JSON))"], after);
        Assert.Equal(1, change.JsonPartialValues.Count);
        Assert.Equal([0x01], change.JsonPartialValues.Cols.ToByteArray());
        Assert.Equal(3, change.DataColumns.Count);
        Assert.Equal([0x07], change.DataColumns.Cols.ToByteArray());
        Assert.StartsWith("{", VEventFormatter.Decode(change.Before)[2], StringComparison.Ordinal); // the before image is whole
    }

    [Fact]
    public async Task WholeDocumentInAPartialUpdateEvent_NoBitmaps()
    {
        var change = Assert.Single((await StreamAsync(JsonNullWhole, crc: false, filter: null)).RowChanges);

        Assert.Equal("null", VEventFormatter.Decode(change.After)[2]);
        Assert.Null(change.JsonPartialValues);
        Assert.Null(change.DataColumns);
    }

    [Fact]
    public async Task DataColumns_AreTheBinlogsBitmapBytesAsWritten()
    {
        // MySQL wrote this event's column bitmaps as ff (the bits past the third column set): Vitess copies the bytes.
        var change = Assert.Single((await StreamAsync(ReplaceDiff, crc: true, filter: null)).RowChanges);

        Assert.Equal("JSON_REPLACE(%s, _utf8mb4'$.role', CAST(JSON_QUOTE(_utf8mb4'IC') as JSON))", VEventFormatter.Decode(change.After)[2]);
        Assert.Equal(3, change.DataColumns.Count);
        Assert.Equal([0xff], change.DataColumns.Cols.ToByteArray());
        Assert.Equal([0x01], change.JsonPartialValues.Cols.ToByteArray());
    }

    [Fact]
    public async Task FilterWithoutTheJsonColumn_BitmapsStillDescribeTheTable()
    {
        // json_partial_values and data_columns come from the binlog row, over the table's columns, whatever the filter selects.
        var filter = new Filter { Rules = { new Rule { Match = "customer", Filter = "select email from customer" } } };

        var change = Assert.Single((await StreamAsync(JsonObjectDiff, crc: false, filter)).RowChanges);

        Assert.Equal(["newalice@domain.com"], VEventFormatter.Decode(change.After));
        Assert.Equal(1, change.JsonPartialValues.Count);
        Assert.Equal([0x01], change.JsonPartialValues.Cols.ToByteArray());
        Assert.Equal(3, change.DataColumns.Count);
    }

    /// <summary>Feeds FORMAT_DESCRIPTION, the table's TABLE_MAP and the event to a session; returns the ROW event.</summary>
    private static async Task<RowEvent> StreamAsync(string hex, bool crc, Filter? filter)
    {
        var options = new ShardStreamerOptions
        {
            Keyspace = "ks",
            Shard = "0",
            Database = "vt_commerce",
            Source = new MySqlConnectionOptions(),
            Filter = filter,
        };
        var catalog = SchemaCatalog.Empty("vt_commerce");
        var session = new StreamSession(options, new RuleTablePlanner(filter, options.PrimaryVindexes), catalog,
            _ => Task.FromResult(catalog), tableFilter: null, sendHeartbeats: true);
        var parser = new BinlogEventParser();
        parser.Parse(FormatDescription(crc ? ChecksumAlgorithm.Crc32 : ChecksumAlgorithm.None));
        var rowsEvent = Convert.FromHexString(hex);
        if (crc)
            rowsEvent = WithCrc(rowsEvent);
        var tableId = BinaryPrimitives.ReadUInt32LittleEndian(rowsEvent.AsSpan(19));
        var position = new FixedPosition();
        var transactions = new TransactionClassifier();
        var tableMap = parser.Parse(Event(EventType.TableMap, CustomerTableMap(tableId), crc));
        transactions.Classify(tableMap);
        await session.HandleAsync(tableMap, transactions, position, CancellationToken.None);
        var rows = parser.Parse(rowsEvent);
        transactions.Classify(rows);
        await session.HandleAsync(rows, transactions, position, CancellationToken.None);
        var row = Assert.Single(session.TakeBatch(), e => e.Type == VEventType.Row);
        return row.Materialize().RowEvent;
    }

    // CREATE TABLE vt_commerce.customer (customer_id bigint NOT NULL, email varbinary(128), jd json): types LONGLONG,
    // VARCHAR(128), JSON; metadata 80 00 | 04; nullable columns 2 and 3; the column names.
    private static byte[] CustomerTableMap(uint tableId)
    {
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes((ulong)tableId).AsSpan(0, 6).ToArray());
        body.AddRange(new byte[] { 0x01, 0x00, 11 });
        body.AddRange("vt_commerce\0"u8.ToArray());
        body.Add(8);
        body.AddRange("customer\0"u8.ToArray());
        body.AddRange(new byte[] { 3, 0x08, 0x0f, 0xf5, 3, 0x80, 0x00, 0x04, 0x06 });
        // Optional metadata COLUMN_NAME (4), as binlog_row_metadata=FULL writes it, so filters can name columns.
        byte[] names = [11, .. "customer_id"u8, 5, .. "email"u8, 2, .. "jd"u8];
        body.AddRange(new byte[] { 4, (byte)names.Length });
        body.AddRange(names);
        return [.. body];
    }

    /// <summary>A FORMAT_DESCRIPTION as MySQL 8.0.40 writes it (its post-header lengths are the fixture's).</summary>
    private static byte[] FormatDescription(ChecksumAlgorithm checksum)
    {
        byte[] postHeaders = [0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0];
        var body = new List<byte> { 4, 0 };
        var version = new byte[50];
        "8.0.40"u8.CopyTo(version);
        body.AddRange(version);
        body.AddRange(new byte[] { 0, 0, 0, 0, 19 });
        body.AddRange(postHeaders);
        body.Add((byte)checksum);
        return Event(EventType.FormatDescription, body.ToArray(), crc: true);
    }

    private static byte[] Event(EventType type, byte[] body, bool crc)
    {
        var bytes = new byte[19 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 1_700_000_000);
        bytes[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)(bytes.Length + (crc ? 4 : 0)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(13), 1000);
        body.CopyTo(bytes, 19);
        return crc ? WithCrc(bytes) : bytes;
    }

    /// <summary>Appends the CRC32 the header's length already counts (the fixture's events had theirs stripped).</summary>
    private static byte[] WithCrc(byte[] eventBytes)
    {
        var withCrc = new byte[eventBytes.Length + 4];
        eventBytes.CopyTo(withCrc, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(withCrc.AsSpan(eventBytes.Length), Crc32.HashToUInt32(eventBytes));
        return withCrc;
    }

    private sealed class FixedPosition : IStreamPosition
    {
        public bool IsMariaDb => false;

        public ReplicationPosition? Position { get; } = ReplicationPosition.Parse("MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
    }
}
