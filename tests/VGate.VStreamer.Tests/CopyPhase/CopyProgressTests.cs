using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.CopyPhase;

/// <summary>
/// The copy phase tells <see cref="ShardStreamerOptions.Progress"/> each table's start with the server's row estimate and
/// the rows read, in step with the batches it yields: when a batch reaches the client, the rows reported are exactly the
/// rows of the table sent so far (keyless tables too, whose batches close before the row that opens the next one).
/// </summary>
public sealed class CopyProgressTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private static readonly string[] Tables = ["nk", "k"];

    [ServerFact]
    public async Task Copy_KeylessAndKeyedTables_ReportedRowsFollowTheBatchesAndEndAtTheTableSize()
    {
        var spec = await StreamSpec.CreateAsync(fixture,
        [
            "CREATE TABLE {db}.nk (a INT, b VARCHAR(10)) ENGINE=InnoDB",
            "INSERT INTO {db}.nk VALUES (1, 'x'), (1, 'x'), (2, 'y'), (NULL, NULL), (3, 'z'), (1, 'x'), (2, 'y')",
            "CREATE TABLE {db}.k (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=Aria",
            "INSERT INTO {db}.k VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')",
        ]);
        var progress = new RecordingProgress();
        var template = CopyHarness.Options(spec, tablesToCopy: ["nk", "k"], packetSize: 1);
        var options = new ShardStreamerOptions
        {
            Keyspace = template.Keyspace,
            Shard = template.Shard,
            Source = template.Source,
            Database = template.Database,
            Position = template.Position,
            TablesToCopy = template.TablesToCopy,
            PacketSize = template.PacketSize,
            Progress = progress,
        };

        var events = await CopyHarness.CollectAsync(new ShardStreamer(options), sent =>
        {
            foreach (var table in Tables)
                Assert.Equal(sent.Count(e => e.Type == VEventType.Row && e.RowEvent.TableName == table), progress.Rows(table));
            return CopyHarness.CopyCompleted(sent);
        });

        Assert.Equal(7, progress.Rows("nk"));
        Assert.Equal(5, progress.Rows("k"));
        Assert.Equal(["k", "nk"], progress.Started.Select(s => s.Table).Order(StringComparer.Ordinal));
        // Aria keeps an exact row count; InnoDB's is an estimate, but there is one.
        Assert.Equal(5, progress.Started.Single(s => s.Table == "k").Estimate);
        Assert.NotNull(progress.Started.Single(s => s.Table == "nk").Estimate);
        Assert.Equal(12, events.Count(e => e.Type == VEventType.Row));
    }

    private sealed class RecordingProgress : IShardStreamProgress
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);

        public List<(string Table, long? Estimate)> Started { get; } = [];

        public long Rows(string table)
        {
            lock (_lock)
                return _rows.GetValueOrDefault(table);
        }

        public void BinlogEventRead(string file, ulong nextPosition, uint timestamp, bool heartbeat)
        {
        }

        public void CopyTableStarted(string table, long? estimatedRows)
        {
            lock (_lock)
                Started.Add((table, estimatedRows));
        }

        public void CopyRowsRead(string table, long rows)
        {
            lock (_lock)
                _rows[table] = _rows.GetValueOrDefault(table) + rows;
        }
    }
}
