namespace VGate.Kafka.Sink;

/// <summary>Counters of a running sink (thread-safe reads), for progress logs, tests and benchmarks.</summary>
public sealed class SinkStatistics
{
    private long _recordsWritten;
    private long _recordsSkipped;
    private long _recordsOversize;
    private long _transactions;
    private long _checkpoints;
    private long _batches;
    private long _reconnects;
    private long _transactionsSpilled;
    private long _bytesSpilled;

    /// <summary>Records handed to Kafka and acknowledged (data, transaction metadata, heartbeats).</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>Records not written again because a restart found them already in Kafka.</summary>
    public long RecordsSkipped => Interlocked.Read(ref _recordsSkipped);

    /// <summary>Records left out because they were larger than <c>message.max.bytes</c> (<c>OversizeRecords=skip</c>).</summary>
    public long RecordsOversize => Interlocked.Read(ref _recordsOversize);

    /// <summary>Source transactions (and DDL/OTHER positions) whose records are in Kafka.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Checkpoints written (not counting topic registrations).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Batches completed (each one Kafka transaction when transactional).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>VStream reconnects.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Source transactions larger than <see cref="KafkaSinkOptions.TransactionBufferBytes"/>, whose rows went to a spill file.</summary>
    public long TransactionsSpilled => Interlocked.Read(ref _transactionsSpilled);

    /// <summary>Row-event bytes written to spill files.</summary>
    public long BytesSpilled => Interlocked.Read(ref _bytesSpilled);

    /// <summary>
    /// Per source transaction: from the moment its COMMIT arrived from the gateway until its records and checkpoint were
    /// committed to Kafka (transaction committed, or delivered and checkpointed without transactions).
    /// </summary>
    public LatencyHistogram CommitLatency { get; } = new();

    internal void AddWritten(long records) => Interlocked.Add(ref _recordsWritten, records);

    internal void AddSkipped() => Interlocked.Increment(ref _recordsSkipped);

    internal void AddOversize() => Interlocked.Increment(ref _recordsOversize);

    internal void AddTransactions(long count) => Interlocked.Add(ref _transactions, count);

    internal void AddCheckpoint() => Interlocked.Increment(ref _checkpoints);

    internal void AddBatch() => Interlocked.Increment(ref _batches);

    internal void AddReconnect() => Interlocked.Increment(ref _reconnects);

    internal void AddSpilled(long bytes)
    {
        Interlocked.Increment(ref _transactionsSpilled);
        Interlocked.Add(ref _bytesSpilled, bytes);
    }
}
