using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using VGate.Kafka.Logging;
using VGate.Kafka.Positions;

namespace VGate.Kafka.Recovery;

/// <summary>
/// The records found in Kafka after the last checkpoint ("present" records), which the replayed stream must not write
/// again. Each replayed record is looked up by its <see cref="RecordIdentity"/>; a hit is skipped and removed.
/// </summary>
/// <remarks>
/// <para>Why entries can be dropped without a match (pruning): records of one shard reach one partition in source order,
/// and the idempotent producer only ever leaves a gap-free prefix of them in a partition. So within a "lane"
/// (partition, shard, streaming-or-copy), when a present record is matched, the unmatched ones before it in that lane
/// will never be replayed; and when a streaming record is written new to a partition, no unmatched streaming record of
/// that shard remains to come in that partition. A shard's copy-phase entries also go when it reports COPY_COMPLETED.
/// Pruned entries only arise when the source does not replay identically (for example a table filter changed between
/// runs, or copied rows were deleted meanwhile); they are logged.</para>
/// <para>While the index is not empty the sink writes no checkpoint, so the read-back range of the last checkpoint keeps
/// covering every present record.</para>
/// </remarks>
internal sealed class DedupeIndex
{
    private readonly Dictionary<RecordIdentity, Entry> _entries = [];
    private readonly Dictionary<(TopicPartition Partition, string Shard, bool Copy), Queue<Entry>> _lanes = [];
    private readonly ILogger _logger;

    public DedupeIndex(ILogger logger) => _logger = logger;

    /// <summary>Present records not matched yet.</summary>
    public int Count => _entries.Count;

    /// <summary>Present records matched (skipped) so far.</summary>
    public long Matched { get; private set; }

    /// <summary>Present records dropped without a match.</summary>
    public long Pruned { get; private set; }

    /// <summary>Adds a present record; call in offset order per partition.</summary>
    public void Add(RecordIdentity identity, TopicPartition partition, long offset, string shard, bool copy)
    {
        var entry = new Entry(identity, partition, offset, shard, copy);
        if (!_entries.TryAdd(identity, entry))
        {
            Log.DuplicatePresent(_logger, identity.ToString(), partition.Topic, partition.Partition.Value, offset);
            return;
        }
        var lane = (partition, shard, copy);
        if (!_lanes.TryGetValue(lane, out var queue))
            _lanes[lane] = queue = new Queue<Entry>();
        queue.Enqueue(entry);
    }

    /// <summary>True when <paramref name="identity"/> is present: the caller skips the record.</summary>
    public bool TryMatch(RecordIdentity identity)
    {
        if (!_entries.Remove(identity, out var entry))
            return false;
        Matched++;
        var queue = _lanes[(entry.Partition, entry.Shard, entry.Copy)];
        while (queue.TryDequeue(out var earlier) && !ReferenceEquals(earlier, entry))
        {
            if (_entries.Remove(earlier.Identity))
                Prune(earlier);
        }
        return true;
    }

    /// <summary>A streaming record of <paramref name="shard"/> is being written new to <paramref name="partition"/>.</summary>
    public void OnWritten(TopicPartition partition, string shard, bool copy)
    {
        if (copy || !_lanes.Remove((partition, shard, false), out var queue))
            return;
        foreach (var entry in queue)
        {
            if (_entries.Remove(entry.Identity))
                Prune(entry);
        }
    }

    /// <summary>The shard finished its copy phase: its copy rows that were not replayed never will be.</summary>
    public void OnCopyCompleted(string shard)
    {
        foreach (var lane in _lanes.Keys.Where(l => l.Copy && l.Shard == shard).ToList())
        {
            foreach (var entry in _lanes[lane])
            {
                if (_entries.Remove(entry.Identity))
                    Prune(entry);
            }
            _lanes.Remove(lane);
        }
    }

    private void Prune(Entry entry)
    {
        Pruned++;
        Log.RecoveryPruned(_logger, entry.Identity.ToString(), entry.Partition.Topic, entry.Partition.Partition.Value, entry.Offset);
    }

    private sealed record Entry(RecordIdentity Identity, TopicPartition Partition, long Offset, string Shard, bool Copy);
}
