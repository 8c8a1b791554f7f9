using VGate.VStreamer;
using Vtrpc;

namespace VGate.Gateway;

/// <summary>
/// Decides whether a failed shard stream is reopened (vstream-spec §2.12, Vitess <c>ShouldRetryTabletError</c>):
/// UNAVAILABLE and FAILED_PRECONDITION are retried; INVALID_ARGUMENT with "GTIDSet Mismatch" is retried on another
/// source; everything else ends the whole stream.
/// </summary>
public static class RetryPolicy
{
    /// <summary>Key in <see cref="Exception.Data"/> marking an error whose retries were already used up (by a fan-out hub).</summary>
    private const string GivenUpKey = "VGate.RetriesExhausted";

    /// <summary>True when the shard stream that failed with <paramref name="exception"/> should be reopened.</summary>
    public static bool IsRetriable(Exception exception) => Classify(exception) != RetryDecision.Fail;

    /// <summary>
    /// Marks <paramref name="exception"/> as final: the shard's retries were already spent (a fan-out hub retried on every
    /// source before reporting it), so the stream must not retry again.
    /// </summary>
    internal static VStreamException MarkGivenUp(VStreamException exception)
    {
        exception.Data[GivenUpKey] = true;
        return exception;
    }

    /// <summary>How a failure is handled.</summary>
    internal static RetryDecision Classify(Exception exception) => exception switch
    {
        VStreamException e when e.Data[GivenUpKey] is true => RetryDecision.Fail,
        VStreamException { Code: Code.Unavailable } => RetryDecision.Retry,
        // The source cannot serve this position or setting (purged binlogs, misconfiguration): another one may.
        VStreamException { Code: Code.FailedPrecondition } => RetryDecision.RetryElsewhere,
        VStreamException { Code: Code.InvalidArgument } e when e.Message.Contains("GTIDSet Mismatch", StringComparison.Ordinal) =>
            RetryDecision.RetryElsewhere,
        _ => RetryDecision.Fail,
    };
}

/// <summary>The outcome of <see cref="RetryPolicy.Classify"/>.</summary>
internal enum RetryDecision
{
    /// <summary>End the whole stream.</summary>
    Fail,

    /// <summary>Reopen the shard stream; the failed source is tried again only when no other is left.</summary>
    Retry,

    /// <summary>Reopen the shard stream on another source; the failed one is excluded.</summary>
    RetryElsewhere,
}
