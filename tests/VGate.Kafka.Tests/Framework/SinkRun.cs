using VGate.Kafka.Checkpoints;
using VGate.Kafka.Sink;
using VGate.Testing;

namespace VGate.Kafka.Tests.Framework;

/// <summary>A <see cref="KafkaSink"/> running in this process until stopped.</summary>
public sealed class SinkRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private bool _failureExpected;

    private SinkRun(KafkaSink sink)
    {
        Sink = sink;
        Running = Task.Run(() => sink.RunAsync(_stop.Token));
    }

    public KafkaSink Sink { get; }

    /// <summary>The sink's <see cref="KafkaSink.RunAsync"/>.</summary>
    public Task Running { get; }

    public static SinkRun Start(KafkaSinkOptions options, TestOutputLogger? logger = null, Action<string>? faultInjection = null) =>
        new(new KafkaSink(options, logger) { FaultInjection = faultInjection });

    /// <summary>Waits until the newest checkpoint satisfies <paramref name="condition"/> (fails early if the sink stopped).</summary>
    public async Task<Checkpoint> WaitForCheckpointAsync(Func<Checkpoint, bool> condition)
    {
        var checkpoint = await Eventually.UntilAsync(
            () =>
            {
                if (Running.IsCompleted)
                    Running.GetAwaiter().GetResult();
                return Task.FromResult(Sink.LastCheckpoint);
            },
            c => c is not null && condition(c),
            TestDeadline.Default);
        return checkpoint!;
    }

    /// <summary>Cancels the sink and waits for it (rethrows its failure, if any).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Running.WaitAsync(TestDeadline.Default);
    }

    /// <summary>Waits for the sink to fail and returns the exception (the test expects it; dispose then ignores it).</summary>
    public async Task<T> FailsWithAsync<T>()
        where T : Exception
    {
        _failureExpected = true;
        return await Assert.ThrowsAsync<T>(() => Running.WaitAsync(TestDeadline.Default));
    }

    /// <summary>Stops the sink; a failure the test did not expect (<see cref="FailsWithAsync{T}"/>) fails the test.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Running.WaitAsync(TestDeadline.Default);
        }
        catch (Exception) when (_failureExpected)
        {
            // Asserted by the test.
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
