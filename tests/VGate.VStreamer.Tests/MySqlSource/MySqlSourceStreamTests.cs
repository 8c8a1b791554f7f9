using Binlogdata;
using VGate.MySql.Protocol;
using VGate.Testing;
using VGate.Testing.MySqlSource;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.MySqlSource;

/// <summary>
/// The streamer on the MySQL path: VEvents from binlogs real MySQL 8.0 servers wrote, served by
/// <see cref="MySqlSourceServer"/> over the replication protocol; the expected values are the ones PROVENANCE.md lists
/// from the source repositories' own tests (rust_mysql_common).
/// </summary>
public sealed class MySqlSourceStreamTests
{
    private const string EnumUuid = "93e95066-a2f4-11ec-9b69-9657f0ae95e2";
    private const string PayloadUuid = "76f3e7be-6720-11ed-9cad-0242ac110002";

    [Fact]
    public async Task Stream_EnumStringSetFixtureFromAnEmptySet_OtherDdlAndTheDecodedRows()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, EnumTable);

        var events = await StreamAsync(source, "mysql", "MySQL56/", transactionEnds: 5);

        var digits100 = string.Concat(Enumerable.Repeat("0123456789", 10));
        // f2 and the UPDATE's f5: the long digit string of the test; the row's VARCHAR length prefix says 298 bytes
        // (0x012A at offset 134 of the WRITE_ROWS body): twice 129 digits, then 40.
        var digits129 = string.Concat(Enumerable.Repeat("0123456789", 13))[..129];
        var digits298 = digits129 + digits129 + string.Concat(Enumerable.Repeat("0123456789", 4));
        Assert.Equal(298, digits298.Length);
        var fromInsert = $"'{digits100}','{digits298}','var1','one,three',0123456789";
        var afterUpdate = $"'field1','field_2','variant2','two,four','{digits298}'";
        Assert.Equal(
        [
            "gtid", "other",
            "gtid", "ddl:CREATE TABLE t(f1 CHAR(128), f2 VARCHAR(300), f3 ENUM('var1', 'variant2', 'foo'), f4 SET('one', 'two', 'three', 'four'), f5 TEXT)",
            "begin",
            "field:t[f1:CHAR:char(128),f2:VARCHAR:varchar(300),f3:ENUM:enum('var1','variant2','foo'),f4:SET:set('one','two','three','four'),f5:TEXT:text]",
            $"row:t insert({fromInsert})", "gtid", "commit",
            "begin", $"row:t update({fromInsert}→{afterUpdate})", "gtid", "commit",
            "begin", $"row:t delete({afterUpdate})", "gtid", "commit",
        ], StreamSpec.Format(events));
        Assert.Equal(
            [$"MySQL56/{EnumUuid}:1", $"MySQL56/{EnumUuid}:1-2", $"MySQL56/{EnumUuid}:1-3", $"MySQL56/{EnumUuid}:1-4", $"MySQL56/{EnumUuid}:1-5"],
            events.Where(e => e.Type == VEventType.Gtid).Select(e => e.Gtid));
    }

    [Fact]
    public async Task Stream_FromASetWithAGap_StreamsOnlyTheMissingTransactions()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, EnumTable);

        var events = await StreamAsync(source, "mysql", $"MySQL56/{EnumUuid}:1-3:5", transactionEnds: 1);

        Assert.Equal("update", StreamSpec.Format(events).Single(e => e.StartsWith("row:", StringComparison.Ordinal))[6..12]);
        Assert.Equal($"MySQL56/{EnumUuid}:1-5", events.Single(e => e.Type == VEventType.Gtid).Gtid);
        Assert.Equal($"{EnumUuid}:1-3:5", source.DumpRequests.Single());
    }

    [Fact]
    public async Task Stream_BitFixture_RowCarriesTheBitBytes()
    {
        await using var source = Start(MySqlBinlogFixtures.TypeBit, new MySqlSourceTable("mysql", "foo",
        [
            new MySqlSourceColumn("a", "bit", "bit(3)"),
            new MySqlSourceColumn("b", "text", "text"),
            new MySqlSourceColumn("c", "bit", "bit(8)"),
        ]));

        var events = await StreamAsync(source, "mysql", "MySQL56/fbda2ad0-7c46-11ec-ae30-4ef7efc81a2a:1-2", transactionEnds: 1);

        var field = events.Single(e => e.Type == VEventType.Field).FieldEvent;
        Assert.Equal([Query.Type.Bit, Query.Type.Text, Query.Type.Bit], field.Fields.Select(f => f.Type));
        var row = events.Single(e => e.Type == VEventType.Row).RowEvent.RowChanges.Single().After;
        Assert.Equal([1L, 3L, 1L], row.Lengths);
        Assert.Equal(new byte[] { 0x04, (byte)'f', (byte)'o', (byte)'o', 0x20 }, row.Values.ToByteArray());
    }

    [Fact]
    public async Task Stream_CompressedTransactionsOfMySql8031_SameGrammarAsUncompressed()
    {
        // mysql-bin.000057: GTID 11 CREATE TABLE a.b; 12 and 13 are TRANSACTION_PAYLOADs (zstd) holding an INSERT into b,
        // then an UPDATE and an INSERT of test_table_3 (PROVENANCE.md: WRITE_ROWS ×2, UPDATE_ROWS ×1 inside).
        // binlog_row_metadata was MINIMAL on that server and the source describes no table, so columns are @1, @2, ….
        await using var source = MySqlSourceServer.Start(new MySqlSourceOptions { BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.CompressedPayloads) });

        var events = await StreamAsync(source, "a", $"MySQL56/{PayloadUuid}:1-10", transactionEnds: 3);

        var text = StreamSpec.Format(events);
        Assert.Equal(["gtid", "ddl:create table b(id int)", "begin", "field:b[@1:INT32:int]", "row:b insert(1)", "gtid", "commit", "begin"], text.Take(8));
        Assert.Equal(["gtid", "commit"], text.TakeLast(2));
        var rows = events.Where(e => e.Type == VEventType.Row).Select(e => (e.RowEvent.TableName, e.RowEvent.RowChanges.Single())).ToList();
        Assert.Equal(["b", "test_table_3", "test_table_3"], rows.Select(r => r.TableName));
        Assert.NotNull(rows[1].Item2.Before);
        Assert.Null(rows[2].Item2.Before);
        Assert.Equal(
            [$"MySQL56/{PayloadUuid}:1-11", $"MySQL56/{PayloadUuid}:1-12", $"MySQL56/{PayloadUuid}:1-13"],
            events.Where(e => e.Type == VEventType.Gtid).Select(e => e.Gtid));
    }

    private static MySqlSourceServer Start(string fixture, MySqlSourceTable table) =>
        MySqlSourceServer.Start(new MySqlSourceOptions { BinlogFile = MySqlBinlogFixtures.PathOf(fixture), Tables = [table] });

    private static readonly MySqlSourceTable EnumTable = new("mysql", "t",
    [
        new MySqlSourceColumn("f1", "char", "char(128)"),
        new MySqlSourceColumn("f2", "varchar", "varchar(300)"),
        new MySqlSourceColumn("f3", "enum", "enum('var1','variant2','foo')"),
        new MySqlSourceColumn("f4", "set", "set('one','two','three','four')"),
        new MySqlSourceColumn("f5", "text", "text"),
    ]);

    private static async Task<List<VEvent>> StreamAsync(MySqlSourceServer source, string database, string position, int transactionEnds)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var streamer = new ShardStreamer(new ShardStreamerOptions
        {
            Keyspace = "ks",
            Shard = "0",
            Source = new MySqlConnectionOptions { Host = source.Host, Port = source.Port, User = source.User.Name, Password = source.User.Password, SslMode = MySqlSslMode.None, AllowPublicKeyRetrieval = true },
            Database = database,
            Position = position,
        });
        var events = new List<VEvent>();
        var ends = 0;
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            foreach (var vevent in batch)
            {
                if (vevent.Type == VEventType.Heartbeat)
                    continue;
                events.Add(vevent.Materialize());
                if (vevent.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other)
                    ends++;
            }
            if (ends >= transactionEnds)
                break;
        }
        Assert.Empty(source.UnexpectedQueries);
        Assert.Empty(source.Errors);
        return events;
    }
}
