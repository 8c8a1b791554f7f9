using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.Gateway.Streams;
using VGate.VStreamer;

namespace VGate.Gateway.Tests.Fakes;

/// <summary>
/// Fake shards for gateway tests (Vitess <c>sandboxconn.AddVStreamEvents</c>). Each shard has scripted attempts: open
/// number n of a shard plays attempt n (batches, injected errors, gates the test opens), then idles until cancelled.
/// Every open is recorded with its request and the source picked, so tests can check restart positions and exclusions.
/// Sources are picked like the real factory: the first of the shard's sources not excluded, preferring ones that have
/// not failed.
/// </summary>
internal sealed class FakeShardStreamFactory : IShardStreamFactory
{
    private readonly ConcurrentDictionary<(string, string), ShardScript> _scripts = new();
    private readonly ConcurrentQueue<OpenRecord> _opens = new();

    /// <summary>Sources every shard has, in preference order.</summary>
    public IReadOnlyList<string> Sources { get; init; } = ["s1", "s2", "s3"];

    public IReadOnlyList<OpenRecord> Opens => [.. _opens];

    public IEnumerable<OpenRecord> OpensOf(string keyspace, string shard) =>
        Opens.Where(o => o.Request.Keyspace == keyspace && o.Request.Shard == shard);

    /// <summary>The script of one shard.</summary>
    public ShardScript Shard(string keyspace, string shard) => _scripts.GetOrAdd((keyspace, shard), _ => new ShardScript());

    public OpenedShardStream Open(ShardStreamRequest request)
    {
        var source = Sources
            .Where(s => !request.ExcludedSources.Contains(s))
            .OrderBy(s => request.FailedSources.Contains(s) ? 1 : 0)
            .FirstOrDefault() ?? throw VStreamException.Unavailable($"{request.Keyspace}/{request.Shard}: no source left");
        var script = Shard(request.Keyspace, request.Shard);
        var attempt = script.NextAttempt();
        var record = new OpenRecord(request, source);
        _opens.Enqueue(record);
        return new OpenedShardStream(source, Play(request, attempt, record));
    }

    private static async IAsyncEnumerable<IReadOnlyList<VEvent>> Play(
        ShardStreamRequest request, IReadOnlyList<Step> steps, OpenRecord record, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            foreach (var step in steps)
            {
                switch (step)
                {
                    case BatchStep batch:
                        // Events are owned by the consumer (the gateway rewrites them): hand out fresh copies.
                        yield return batch.Events.Select(e =>
                        {
                            var copy = e.Clone();
                            copy.Keyspace = request.Keyspace;
                            copy.Shard = request.Shard;
                            return copy;
                        }).ToList();
                        break;
                    case ErrorStep error:
                        throw error.Error;
                    case GateStep gate:
                        await gate.Open.Task.WaitAsync(cancellationToken);
                        break;
                    case SignalStep signal:
                        signal.Reached.TrySetResult();
                        break;
                }
            }
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            record.Ended.TrySetResult(cancellationToken.IsCancellationRequested);
        }
    }

    public sealed record OpenRecord(ShardStreamRequest Request, string Source)
    {
        /// <summary>Completes when the stream's enumeration ends; true when it ended by cancellation.</summary>
        public TaskCompletionSource<bool> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    internal abstract record Step;

    internal sealed record BatchStep(IReadOnlyList<VEvent> Events) : Step;

    internal sealed record ErrorStep(Exception Error) : Step;

    internal sealed record GateStep(TaskCompletionSource Open) : Step;

    internal sealed record SignalStep(TaskCompletionSource Reached) : Step;

    /// <summary>Attempts of one shard; the builder methods add to the latest attempt.</summary>
    internal sealed class ShardScript
    {
        private readonly List<List<Step>> _attempts = [[]];
        private int _next;

        public ShardScript Batch(params VEvent[] events)
        {
            _attempts[^1].Add(new BatchStep(events));
            return this;
        }

        public ShardScript Fail(Exception error)
        {
            _attempts[^1].Add(new ErrorStep(error));
            return this;
        }

        /// <summary>Pauses the stream until the returned source is completed.</summary>
        public ShardScript Gate(out TaskCompletionSource gate)
        {
            gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _attempts[^1].Add(new GateStep(gate));
            return this;
        }

        /// <summary>
        /// Completes the returned source when the stream gets here: the gateway has asked for the next batch, so it has
        /// handled (and queued for the client) every batch before.
        /// </summary>
        public ShardScript Signal(out TaskCompletionSource reached)
        {
            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _attempts[^1].Add(new SignalStep(reached));
            return this;
        }

        /// <summary>Starts the script of the next open.</summary>
        public ShardScript ThenReopen()
        {
            _attempts.Add([]);
            return this;
        }

        public IReadOnlyList<Step> NextAttempt()
        {
            lock (_attempts)
            {
                var index = _next++;
                return index < _attempts.Count ? _attempts[index] : [];
            }
        }
    }
}
