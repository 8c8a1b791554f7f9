using System.Text;
using Grpc.Core;
using VGate.Server.Logging;
using VGate.VStreamer;

namespace VGate.Server.Errors;

/// <summary>
/// The one place where failures become gRPC statuses (vstream-spec §1.5): a <see cref="VStreamException"/> ends the call
/// with the status code of the same number as its Vitess code and its message cut to the configured size with vtgate's
/// "[...] remainder truncated" marker; a call the client cancelled ends quietly; anything else is a defect (UNKNOWN,
/// logged at error level).
/// </summary>
internal static class RpcErrors
{
    /// <summary>What is appended to a message that was cut.</summary>
    public const string TruncationMarker = "[...] remainder truncated";

    public static RpcException ToRpcException(Exception exception, ServerCallContext context, ILogger logger, ServerMetrics metrics, int maxMessageBytes)
    {
        if (exception is RpcException rpc)
            return rpc;
        if (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away (or its deadline passed): whatever failed next is a consequence, not an error.
            Log.CallCancelled(logger, context.Method, context.Peer);
            return new RpcException(new Status(StatusCode.Cancelled, "context canceled"));
        }
        if (exception is VStreamException vstream)
        {
            metrics.CallFailed(context.Method, vstream.Code);
            Log.CallFailed(logger, context.Method, vstream.Code, vstream.Message);
            return new RpcException(new Status((StatusCode)(int)vstream.Code, Truncate(vstream.Message, maxMessageBytes)));
        }
        if (exception is OperationCanceledException)
        {
            metrics.CallFailed(context.Method, Vtrpc.Code.Canceled);
            Log.CallFailed(logger, context.Method, Vtrpc.Code.Canceled, exception.Message);
            return new RpcException(new Status(StatusCode.Cancelled, Truncate(exception.Message, maxMessageBytes)));
        }
        metrics.CallFailed(context.Method, Vtrpc.Code.Unknown);
        Log.CallFailedUnexpectedly(logger, context.Method, exception);
        return new RpcException(new Status(StatusCode.Unknown, Truncate(exception.Message, maxMessageBytes)));
    }

    /// <summary>Cuts <paramref name="message"/> so its UTF-8 form, marker included, fits in <paramref name="maxBytes"/>.</summary>
    public static string Truncate(string message, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(message) <= maxBytes)
            return message;
        var budget = Math.Max(0, maxBytes - TruncationMarker.Length);
        var used = 0;
        var cut = 0;
        foreach (var rune in message.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
                break;
            used += rune.Utf8SequenceLength;
            cut += rune.Utf16SequenceLength;
        }
        return string.Concat(message.AsSpan(0, cut), TruncationMarker);
    }
}
