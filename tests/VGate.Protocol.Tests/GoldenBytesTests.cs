using Binlogdata;
using Google.Protobuf;
using Query;
using Vtgate;

namespace VGate.Protocol.Tests;

/// <summary>
/// Golden wire tests. Every expected byte string below was encoded by hand from the protobuf
/// wire rules (tag = field number &lt;&lt; 3 | wire type; varints little-endian base-128;
/// sint64 zig-zag; length-delimited = tag, length, payload; packed repeated scalars = one
/// length-delimited field). Field numbers are Vitess's. If one of these fails, the generated code
/// no longer speaks the Vitess wire format.
/// Concrete values for the VGTID case come from the Debezium Vitess connector's tests
/// (VgtidTest / TablePrimaryKeysTest: keyspace "test_keyspace", shard "-80", table
/// "numeric_table" with an INT64 "id" PK, charset 63, flags 49667, last value "5").
/// </summary>
public class GoldenBytesTests
{
    private static void AssertWire<T>(T message, string expectedHex)
        where T : IMessage<T>, new()
    {
        var expected = Hex.Parse(expectedHex);
        Assert.Equal(Hex.Format(expected), Hex.Format(message.ToByteArray()));

        var parser = new MessageParser<T>(() => new T());
        var parsed = parser.ParseFrom(expected);
        Assert.Equal(message, parsed);
        Assert.Equal(Hex.Format(expected), Hex.Format(parsed.ToByteArray()));
    }

    [Fact]
    public void RowLengthsArePackedZigZag()
    {
        // lengths [-1, 3, 0, 2] -> zig-zag [1, 6, 0, 4]; values "foo" + "" + "ba" (NULL takes no bytes).
        var row = new Row { Lengths = { -1, 3, 0, 2 }, Values = ByteString.CopyFromUtf8("fooba") };

        AssertWire(row,
            "0A 04 | 01 06 00 04" +           // field 1, wire type 2 (packed), 4 bytes of varints
            "12 05 | 66 6F 6F 62 61");        // field 2 bytes "fooba"
    }

    [Fact]
    public void RowLengthsZigZagUsesMultiByteVarints()
    {
        // 64 -> zig-zag 128 -> varint 80 01; -65 -> zig-zag 129 -> varint 81 01.
        var row = new Row { Lengths = { 64, -65 } };
        AssertWire(row, "0A 04 | 80 01 81 01");
    }

    [Fact]
    public void RowParsesUnpackedLengthsToo()
    {
        // A conforming parser must also accept the non-packed encoding (one tag per element, wire type 0).
        var unpacked = Hex.Parse("08 01 | 08 06 | 08 00 | 08 04 | 12 05 66 6F 6F 62 61");

        var row = Row.Parser.ParseFrom(unpacked);

        Assert.Equal(new long[] { -1, 3, 0, 2 }, row.Lengths);
        Assert.Equal("fooba", row.Values.ToStringUtf8());
    }

    [Fact]
    public void RowEventVEventWithCurrentTimeKeyspaceAndShard()
    {
        var vevent = new VEvent
        {
            Type = VEventType.Row,
            Timestamp = 1_700_000_000,
            CurrentTime = 1_700_000_000_123_456_789,
            Keyspace = "ks",
            Shard = "-80",
            RowEvent = new RowEvent
            {
                TableName = "ks.t1",
                Keyspace = "ks",
                Shard = "-80",
                Flags = 1,
                RowChanges =
                {
                    new RowChange { After = new Row { Lengths = { 1, 3 }, Values = ByteString.CopyFromUtf8("1abc") } },
                },
            },
        };

        AssertWire(vevent,
            "08 0C" +                                    // 1 type = ROW (12)
            "10 80 E2 CF AA 06" +                        // 2 timestamp = 1700000000
            "2A 20" +                                    // 5 row_event, 32 bytes:
            "  0A 05 6B 73 2E 74 31" +                   //   1 table_name "ks.t1"
            "  12 0C" +                                  //   2 row_changes[0], 12 bytes:
            "    12 0A" +                                //     2 after, 10 bytes:
            "      0A 02 02 06" +                        //       1 lengths [1, 3] packed zig-zag
            "      12 04 31 61 62 63" +                  //       2 values "1abc"
            "  1A 02 6B 73" +                            //   3 keyspace "ks"
            "  22 03 2D 38 30" +                         //   4 shard "-80"
            "  28 01" +                                  //   5 flags = 1
            "A0 01 95 9A 97 EC E3 9F E7 CB 17" +         // 20 current_time = 1700000000123456789 (tag 160 = A0 01)
            "B2 01 02 6B 73" +                           // 22 keyspace "ks" (tag 178 = B2 01)
            "BA 01 03 2D 38 30");                        // 23 shard "-80" (tag 186 = BA 01)
    }

    [Fact]
    public void VGtidWithTablePKsCarryingALastPKResult()
    {
        var vgtid = new VGtid
        {
            ShardGtids =
            {
                new ShardGtid
                {
                    Keyspace = "test_keyspace",
                    Shard = "-80",
                    Gtid = "MySQL56/a790d864-9ba1-11ea-99f6-0242ac11000a:1-1513",
                    TablePKs =
                    {
                        new TableLastPK
                        {
                            TableName = "numeric_table",
                            Lastpk = new QueryResult
                            {
                                Fields = { new Field { Name = "id", Type = Query.Type.Int64, Charset = 63, Flags = 49667 } },
                                Rows = { new Row { Lengths = { 1 }, Values = ByteString.CopyFromUtf8("5") } },
                            },
                        },
                    },
                },
            },
        };

        AssertWire(vgtid,
            "0A 73" +                                              // 1 shard_gtids[0], 115 bytes:
            "  0A 0D 74 65 73 74 5F 6B 65 79 73 70 61 63 65" +     //   1 keyspace "test_keyspace"
            "  12 03 2D 38 30" +                                   //   2 shard "-80"
            "  1A 33 4D 79 53 51 4C 35 36 2F" +                    //   3 gtid, 51 bytes: "MySQL56/"
            "       61 37 39 30 64 38 36 34 2D 39 62 61 31 2D" +   //      "a790d864-9ba1-"
            "       31 31 65 61 2D 39 39 66 36 2D" +               //      "11ea-99f6-"
            "       30 32 34 32 61 63 31 31 30 30 30 61" +         //      "0242ac11000a"
            "       3A 31 2D 31 35 31 33" +                        //      ":1-1513"
            "  22 28" +                                            //   4 table_p_ks[0], 40 bytes:
            "    0A 0D 6E 75 6D 65 72 69 63 5F 74 61 62 6C 65" +   //     1 table_name "numeric_table"
            "    1A 17" +                                          //     3 lastpk (QueryResult), 23 bytes:
            "      0A 0D" +                                        //       1 fields[0], 13 bytes:
            "        0A 02 69 64" +                                //         1 name "id"
            "        10 89 02" +                                   //         2 type INT64 = 265
            "        40 3F" +                                      //         8 charset 63
            "        50 83 84 03" +                                //        10 flags 49667
            "      22 06" +                                        //       4 rows[0], 6 bytes:
            "        0A 01 02" +                                   //         1 lengths [1]
            "        12 01 35");                                   //         2 values "5"
    }

    [Fact]
    public void VStreamFlagsWithEveryField()
    {
        var flags = new VStreamFlags
        {
            MinimizeSkew = true,
            HeartbeatInterval = 10,
            StopOnReshard = true,
            Cells = "zone1,zone2",
            CellPreference = "onlyspecified",
            TabletOrder = "inorder",
            StreamKeyspaceHeartbeats = true,
            IncludeReshardJournalEvents = true,
            TablesToCopy = { "t1", "t2" },
            ExcludeKeyspaceFromTableName = true,
            TransactionChunkSize = 1 << 20,
        };

        AssertWire(flags,
            "08 01" +                                              //  1 minimize_skew
            "10 0A" +                                              //  2 heartbeat_interval = 10
            "18 01" +                                              //  3 stop_on_reshard
            "22 0B 7A 6F 6E 65 31 2C 7A 6F 6E 65 32" +             //  4 cells "zone1,zone2"
            "2A 0D 6F 6E 6C 79 73 70 65 63 69 66 69 65 64" +       //  5 cell_preference "onlyspecified"
            "32 07 69 6E 6F 72 64 65 72" +                         //  6 tablet_order "inorder"
            "38 01" +                                              //  7 stream_keyspace_heartbeats
            "40 01" +                                              //  8 include_reshard_journal_events
            "4A 02 74 31 | 4A 02 74 32" +                          //  9 tables_to_copy "t1", "t2"
            "50 01" +                                              // 10 exclude_keyspace_from_table_name
            "58 80 80 40");                                        // 11 transaction_chunk_size = 1048576
    }

    [Fact]
    public void VStreamRequestAsDebeziumSendsIt()
    {
        var request = new VStreamRequest
        {
            CallerId = new Vtrpc.CallerID { Principal = "debezium" },
            TabletType = Topodata.TabletType.Replica,
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "commerce", Gtid = "current" } } },
            Filter = new Filter { Rules = { new Rule { Match = "/.*" } } },
            Flags = new VStreamFlags { HeartbeatInterval = 30, ExcludeKeyspaceFromTableName = true },
        };

        AssertWire(request,
            "0A 0A | 0A 08 64 65 62 65 7A 69 75 6D" +             // 1 caller_id { 1 principal "debezium" }
            "10 02" +                                              // 2 tablet_type = REPLICA
            "1A 15 | 0A 13" +                                      // 3 vgtid { 1 shard_gtids[0] (19 bytes):
            "        0A 08 63 6F 6D 6D 65 72 63 65" +              //     1 keyspace "commerce" (shard "" not sent)
            "        1A 07 63 75 72 72 65 6E 74" +                 //     3 gtid "current" }
            "22 07 | 0A 05 | 0A 03 2F 2E 2A" +                     // 4 filter { 1 rules[0] { 1 match "/.*" } }
            "2A 04 | 10 1E | 50 01");                              // 5 flags { 2 heartbeat_interval 30, 10 exclude... }
    }

    [Fact]
    public void DefaultValuesAreNotSent()
    {
        // proto3: zero, empty and false are omitted, so an all-default message is zero bytes long.
        Assert.Empty(new VEvent().ToByteArray());
        Assert.Empty(new VStreamFlags().ToByteArray());
        Assert.Equal("0A00", Hex.Format(new VStreamResponse { Events = { new VEvent() } }.ToByteArray()));
    }
}
