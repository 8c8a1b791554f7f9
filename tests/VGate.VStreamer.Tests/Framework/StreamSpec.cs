using Binlogdata;
using VGate.MySql.Protocol;
using VGate.Testing;

namespace VGate.VStreamer.Tests.Framework;

/// <summary>
/// Test framework for per-shard stream behaviour against a real MariaDB.
/// <para>
/// A test creates its own database on the shared server, runs its setup DDL, notes the position, runs the statements
/// under test, and then streams from the noted position with <see cref="ShardStreamer"/>, collecting events until it has
/// seen as many transaction ends (COMMIT, DDL, OTHER) as the statements produced. The collected events, formatted by
/// <see cref="VEventFormatter.ToTestString"/> with HEARTBEATs dropped, are compared with the expected list.
/// </para>
/// <para>
/// Streaming after the statements (instead of while they run) keeps tests deterministic: the binlog already holds
/// everything, so no test waits on timing; the deadline only guards against hangs.
/// </para>
/// </summary>
public sealed class StreamSpec(MariaDbServer server, string database)
{
    public string Database { get; } = database;

    public static async Task<StreamSpec> CreateAsync(MariaDbFixture fixture, params string[] setup)
    {
        var database = await fixture.CreateDatabaseAsync();
        var spec = new StreamSpec(fixture.Server, database);
        foreach (var statement in setup)
            await fixture.Server.ExecuteAsync(spec.Qualify(statement));
        return spec;
    }

    /// <summary>Replaces <c>{db}</c> in a statement with this spec's database name.</summary>
    public string Qualify(string statement) => statement.Replace("{db}", Database, StringComparison.Ordinal);

    public async Task<string> PositionAsync() => "MariaDB/" + await server.GetGtidBinlogPosAsync();

    public async Task ExecuteAsync(params string[] statements)
    {
        foreach (var statement in statements)
            await server.ExecuteAsync(Qualify(statement));
    }

    public ShardStreamerOptions Options(string position, Filter? filter = null) => new()
    {
        Keyspace = "ks",
        Shard = "0",
        Source = MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()),
        Database = Database,
        Position = position,
        Filter = filter,
    };

    /// <summary>Streams from <paramref name="position"/> until <paramref name="transactionEnds"/> COMMIT/DDL/OTHER events arrived.</summary>
    public async Task<List<VEvent>> StreamAsync(string position, int transactionEnds, Filter? filter = null)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromSeconds(60));
        var streamer = new ShardStreamer(Options(position, filter));
        var events = new List<VEvent>();
        var ends = 0;
        await foreach (var batch in streamer.StreamAsync(deadline.Token))
        {
            foreach (var vevent in batch)
            {
                if (vevent.Type == VEventType.Heartbeat)
                    continue;
                events.Add(vevent.Materialize()); // ROW events hold their rows encoded
                if (vevent.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other)
                    ends++;
            }
            if (ends >= transactionEnds)
                break;
        }
        return events;
    }

    public static List<string> Format(IEnumerable<VEvent> events) => events.Select(VEventFormatter.ToTestString).ToList();
}
