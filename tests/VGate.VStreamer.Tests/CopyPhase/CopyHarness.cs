using System.Globalization;
using Binlogdata;
using MySqlConnector;
using VGate.MySql.Positions;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// Helpers for copy-phase tests: options for a copy (position "" or a resume), collecting a stream until a condition,
/// and <see cref="TableReplica"/>, which applies copy and streaming events idempotently by key the way a CDC client
/// does, so the result can be compared with the source table.
/// </summary>
internal static class CopyHarness
{
    public static ShardStreamerOptions Options(
        StreamSpec spec,
        string position = "",
        Filter? filter = null,
        IReadOnlyList<string>? tablesToCopy = null,
        IReadOnlyList<TableLastPK>? tablePKs = null,
        int packetSize = 250_000)
    {
        var template = spec.Options(position, filter);
        return new ShardStreamerOptions
        {
            Keyspace = template.Keyspace,
            Shard = template.Shard,
            Source = template.Source,
            Database = template.Database,
            Position = position,
            Filter = filter,
            TablesToCopy = tablesToCopy ?? [],
            TablePKs = tablePKs ?? [],
            PacketSize = packetSize,
        };
    }

    /// <summary>Streams, dropping heartbeats, until <paramref name="done"/> holds for the events so far (checked after each batch).</summary>
    public static async Task<List<VEvent>> CollectAsync(ShardStreamer streamer, Func<List<VEvent>, bool> done, TimeSpan? timeout = null)
    {
        using var deadline = TestDeadline.CreateTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var events = new List<VEvent>();
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            events.AddRange(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
            if (done(events))
                break;
        }
        return events;
    }

    /// <summary>Like <see cref="CollectAsync(ShardStreamer, Func{List{VEvent}, bool}, TimeSpan?)"/> with an asynchronous condition (which may act on the source).</summary>
    public static async Task<List<VEvent>> CollectAsync(ShardStreamer streamer, Func<List<VEvent>, Task<bool>> done, TimeSpan? timeout = null)
    {
        using var deadline = TestDeadline.CreateTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var events = new List<VEvent>();
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            events.AddRange(batch.Where(e => e.Type != VEventType.Heartbeat).Select(e => e.Materialize()));
            if (await done(events))
                break;
        }
        return events;
    }

    public static bool CopyCompleted(List<VEvent> events) => events.Any(e => e.Type == VEventType.CopyCompleted);

    /// <summary>True once the copy has completed and a GTID event at or after <paramref name="position"/> has been seen.</summary>
    public static Func<List<VEvent>, bool> ReachedPosition(string position) => events =>
    {
        var target = ReplicationPosition.Parse(position);
        return events.Any(e => e.Type == VEventType.CopyCompleted) &&
            events.Any(e => e.Type == VEventType.Gtid && ReplicationPosition.Parse(e.Gtid).AtLeast(target));
    };

    /// <summary>The table's rows as text (NULL as null), keyed by the first column.</summary>
    public static async Task<SortedDictionary<string, string?[]>> ReadTableAsync(MariaDbServer server, string database, string table)
    {
        var rows = new SortedDictionary<string, string?[]>(StringComparer.Ordinal);
        await using var connection = new MySqlConnection(server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT * FROM `{table}`", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new string?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
                values[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows[values[0]!] = values;
        }
        return rows;
    }
}

/// <summary>
/// A client-side copy of one table built from VEvents: copy rows and inserts are upserts, deletes remove, updates remove
/// the before key and upsert the after image (at-least-once delivery, applied idempotently by key = first column).
/// </summary>
internal sealed class TableReplica(string table)
{
    public SortedDictionary<string, string?[]> Rows { get; } = new(StringComparer.Ordinal);

    public void Apply(IEnumerable<VEvent> events)
    {
        foreach (var vevent in events)
        {
            if (vevent.Type != VEventType.Row || vevent.RowEvent.TableName != table)
                continue;
            foreach (var change in vevent.RowEvent.RowChanges)
            {
                if (change.Before is { } before)
                    Rows.Remove(VEventFormatter.Decode(before)[0]!);
                if (change.After is { } after)
                {
                    var values = VEventFormatter.Decode(after).ToArray();
                    Rows[values[0]!] = values;
                }
            }
        }
    }
}
