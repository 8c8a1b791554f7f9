using System.Text;
using Binlogdata;
using Google.Protobuf;

namespace VGate.Kafka.Tests.Events;

/// <summary>
/// Hand-made VEvents for the cases a real server never produces (malformed streams) and for quick unit checks. Every
/// event is on keyspace <c>ks</c>, shard <c>0</c>, table names in the <c>ks.table</c> form a VTGate sends.
/// </summary>
internal static class EventFactory
{
    public const uint NotNull = (uint)Query.MySqlFlag.NotNullFlag;
    public const uint PrimaryKey = (uint)(Query.MySqlFlag.NotNullFlag | Query.MySqlFlag.PriKeyFlag);

    public static VEvent Begin() => new() { Type = VEventType.Begin, Timestamp = 1_700_000_000, Keyspace = "ks", Shard = "0" };

    public static VEvent Commit() => new() { Type = VEventType.Commit, Timestamp = 1_700_000_000, Keyspace = "ks", Shard = "0" };

    public static VEvent Vgtid(string gtid = "MariaDB/0-1-5") => new()
    {
        Type = VEventType.Vgtid,
        Keyspace = "ks",
        Shard = "0",
        Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "ks", Shard = "0", Gtid = gtid } } },
    };

    public static Query.Field Column(string name, Query.Type type, uint flags = 0, string columnType = "") =>
        new() { Name = name, Type = type, Flags = flags, ColumnType = columnType, Charset = 63 };

    public static VEvent Field(string table, params Query.Field[] columns) => Field(table, enumSetStrings: true, columns);

    public static VEvent Field(string table, bool enumSetStrings, params Query.Field[] columns)
    {
        var field = new FieldEvent { TableName = "ks." + table, Keyspace = "ks", Shard = "0", EnumSetStringValues = enumSetStrings };
        field.Fields.AddRange(columns);
        return new VEvent { Type = VEventType.Field, Keyspace = "ks", Shard = "0", FieldEvent = field };
    }

    /// <summary>A row from cell texts; null is SQL NULL.</summary>
    public static Query.Row Cells(params string?[] cells)
    {
        var row = new Query.Row();
        var values = new List<byte>();
        foreach (var cell in cells)
        {
            if (cell is null)
            {
                row.Lengths.Add(-1);
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(cell);
            row.Lengths.Add(bytes.Length);
            values.AddRange(bytes);
        }
        row.Values = ByteString.CopyFrom(values.ToArray());
        return row;
    }

    public static VEvent Insert(string table, params string?[] cells) => Row(table, new RowChange { After = Cells(cells) });

    public static VEvent Row(string table, params RowChange[] changes)
    {
        var rowEvent = new RowEvent { TableName = "ks." + table, Keyspace = "ks", Shard = "0" };
        rowEvent.RowChanges.AddRange(changes);
        return new VEvent { Type = VEventType.Row, Timestamp = 1_700_000_000, Keyspace = "ks", Shard = "0", RowEvent = rowEvent };
    }
}
