using Binlogdata;
using Google.Protobuf;
using Query;

namespace VGate.Gateway.Tests.Fakes;

/// <summary>Tablet-level event builders for scripts (keyspace/shard are filled in by the fake when served).</summary>
internal static class Ev
{
    public static VEvent Begin() => new() { Type = VEventType.Begin, Timestamp = 1 };

    public static VEvent Commit() => new() { Type = VEventType.Commit, Timestamp = 1 };

    public static VEvent Gtid(string position) => new() { Type = VEventType.Gtid, Gtid = position };

    public static VEvent Ddl(string statement) => new() { Type = VEventType.Ddl, Statement = statement };

    public static VEvent Other() => new() { Type = VEventType.Other };

    public static VEvent Heartbeat() => new() { Type = VEventType.Heartbeat, Timestamp = 1 };

    public static VEvent CopyCompleted() => new() { Type = VEventType.CopyCompleted };

    public static VEvent Field(string table) => new()
    {
        Type = VEventType.Field,
        FieldEvent = new FieldEvent { TableName = table, Fields = { new Field { Name = "id", Type = Query.Type.Int32, Table = table } } },
    };

    /// <summary>A ROW with one insert whose value is <paramref name="value"/> (padded to <paramref name="size"/> bytes when given).</summary>
    public static VEvent Row(string table, string value, int size = 0)
    {
        var text = size > value.Length ? value.PadRight(size, '.') : value;
        return new VEvent
        {
            Type = VEventType.Row,
            RowEvent = new RowEvent
            {
                TableName = table,
                RowChanges = { new RowChange { After = new Row { Lengths = { text.Length }, Values = ByteString.CopyFromUtf8(text) } } },
            },
        };
    }

    public static VEvent LastPk(string table, int id, bool completed = false) => new()
    {
        Type = VEventType.Lastpk,
        LastPKEvent = new LastPKEvent
        {
            Completed = completed,
            TableLastPK = new TableLastPK
            {
                TableName = table,
                Lastpk = new QueryResult
                {
                    Fields = { new Field { Name = "id", Type = Query.Type.Int32 } },
                    Rows = { new Row { Lengths = { id.ToString(System.Globalization.CultureInfo.InvariantCulture).Length }, Values = ByteString.CopyFromUtf8(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) } },
                },
            },
        },
    };

    /// <summary>A whole transaction: BEGIN, ROW(table, value), GTID(position), COMMIT.</summary>
    public static VEvent[] Transaction(string table, string value, string position) =>
        [Begin(), Row(table, value), Gtid(position), Commit()];

    /// <summary>Compact text of a merged event: <c>ks/-80 begin</c>, <c>ks/-80 row ks.t 1</c>, <c>ks/-80 vgtid ks/-80=p1,ks/80-=current</c>.</summary>
    public static string Format(VEvent e)
    {
        var where = e.Keyspace.Length == 0 && e.Shard.Length == 0 ? "" : $"{e.Keyspace}/{e.Shard} ";
        return where + e.Type switch
        {
            VEventType.Row => $"row {e.RowEvent.TableName} {e.RowEvent.RowChanges[0].After.Values.ToStringUtf8().TrimEnd('.')}",
            VEventType.Field => $"field {e.FieldEvent.TableName}",
            VEventType.Vgtid => "vgtid " + FormatVgtid(e.Vgtid),
            VEventType.Ddl => "ddl " + e.Statement,
            _ => e.Type.ToString().ToLowerInvariant(),
        };
    }

    public static string FormatVgtid(VGtid vgtid) => string.Join(",", vgtid.ShardGtids.Select(s =>
        $"{s.Keyspace}/{s.Shard}={s.Gtid}" + (s.TablePKs.Count == 0 ? "" : "[" + string.Join(";", s.TablePKs.Select(pk => pk.Lastpk is null ? pk.TableName : pk.TableName + ":" + pk.Lastpk.Rows[0].Values.ToStringUtf8())) + "]")));
}
