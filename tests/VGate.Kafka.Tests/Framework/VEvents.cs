using System.Text;
using Binlogdata;
using Google.Protobuf;
using Query;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// Builds VStream events as vtgate sends them (table names "keyspace.table", keyspace/shard on every event) for
/// scripted gateways. Tables have an INT primary key <c>id</c> and a VARCHAR <c>v</c>.
/// </summary>
public static class VEvents
{
    public const string Keyspace = "ks";

    public static VEvent Begin(string shard = "0") => new() { Type = VEventType.Begin, Keyspace = Keyspace, Shard = shard, Timestamp = 1_700_000_000 };

    public static VEvent Commit(string shard = "0", long timestamp = 1_700_000_000) => new() { Type = VEventType.Commit, Keyspace = Keyspace, Shard = shard, Timestamp = timestamp };

    public static VEvent Other(string shard = "0") => new() { Type = VEventType.Other, Keyspace = Keyspace, Shard = shard };

    public static VEvent Heartbeat() => new() { Type = VEventType.Heartbeat, Timestamp = 1_700_000_000 };

    public static VEvent CopyCompleted(string shard = "0") => new() { Type = VEventType.CopyCompleted, Keyspace = Keyspace, Shard = shard };

    public static VEvent Ddl(string statement, string shard = "0") => new() { Type = VEventType.Ddl, Keyspace = Keyspace, Shard = shard, Statement = statement, Timestamp = 1_700_000_000 };

    /// <summary>The FIELD event of table <paramref name="table"/>: <c>id INT PRIMARY KEY, v VARCHAR(64)</c>.</summary>
    public static VEvent Field(string table, string shard = "0") => new()
    {
        Type = VEventType.Field,
        Keyspace = Keyspace,
        Shard = shard,
        FieldEvent = new FieldEvent
        {
            TableName = $"{Keyspace}.{table}",
            Keyspace = Keyspace,
            Shard = shard,
            Fields =
            {
                new Field { Name = "id", Type = Query.Type.Int32, Table = table, OrgTable = table, Database = "vt_" + Keyspace, OrgName = "id", ColumnLength = 11, Charset = 63, Flags = 1 | 2 | 32768, ColumnType = "int(11)" },
                new Field { Name = "v", Type = Query.Type.Varchar, Table = table, OrgTable = table, Database = "vt_" + Keyspace, OrgName = "v", ColumnLength = 256, Charset = 45, ColumnType = "varchar(64)" },
            },
        },
    };

    public static VEvent Insert(string table, int id, string value, string shard = "0", long timestamp = 1_700_000_000) =>
        Rows(table, shard, timestamp, new RowChange { After = Row(id, value) });

    public static VEvent Update(string table, int id, string before, string after, string shard = "0", int? newId = null) =>
        Rows(table, shard, 1_700_000_000, new RowChange { Before = Row(id, before), After = Row(newId ?? id, after) });

    public static VEvent Delete(string table, int id, string value, string shard = "0") =>
        Rows(table, shard, 1_700_000_000, new RowChange { Before = Row(id, value) });

    /// <summary>A VGTID event for one shard of <see cref="Keyspace"/> (optionally with copy progress of a table).</summary>
    public static VEvent Vgtid(string gtid, string shard = "0", string? copyingTable = null) => new()
    {
        Type = VEventType.Vgtid,
        Keyspace = Keyspace,
        Shard = shard,
        Vgtid = Position(gtid, shard, copyingTable),
    };

    /// <summary>A VGTID event with several shards: (shard, gtid) pairs.</summary>
    public static VEvent Vgtid(string eventShard, params (string Shard, string Gtid)[] shards)
    {
        var vgtid = new VGtid();
        foreach (var (shard, gtid) in shards)
            vgtid.ShardGtids.Add(new ShardGtid { Keyspace = Keyspace, Shard = shard, Gtid = gtid });
        return new VEvent { Type = VEventType.Vgtid, Keyspace = Keyspace, Shard = eventShard, Vgtid = vgtid };
    }

    public static VGtid Position(string gtid, string shard = "0", string? copyingTable = null)
    {
        var entry = new ShardGtid { Keyspace = Keyspace, Shard = shard, Gtid = gtid };
        if (copyingTable is not null)
        {
            entry.TablePKs.Add(new TableLastPK
            {
                TableName = copyingTable,
                Lastpk = new QueryResult { Fields = { new Field { Name = "id", Type = Query.Type.Int32 } }, Rows = { Row(1) } },
            });
        }
        return new VGtid { ShardGtids = { entry } };
    }

    /// <summary>One source transaction: BEGIN, the row events, VGTID, COMMIT.</summary>
    public static VEvent[] Transaction(string gtid, string shard, params VEvent[] rows) =>
        [Begin(shard), .. rows, Vgtid(gtid, shard), Commit(shard)];

    public static Query.Row Row(params object[] values)
    {
        var row = new Query.Row();
        var bytes = new List<byte>();
        foreach (var value in values)
        {
            var text = Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
            row.Lengths.Add(text.Length);
            bytes.AddRange(text);
        }
        row.Values = ByteString.CopyFrom([.. bytes]);
        return row;
    }

    private static VEvent Rows(string table, string shard, long timestamp, RowChange change) => new()
    {
        Type = VEventType.Row,
        Keyspace = Keyspace,
        Shard = shard,
        Timestamp = timestamp,
        RowEvent = new RowEvent { TableName = $"{Keyspace}.{table}", Keyspace = Keyspace, Shard = shard, RowChanges = { change } },
    };
}
