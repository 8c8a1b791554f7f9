using Vtrpc;

namespace VGate.VStreamer;

/// <summary>
/// A VStream request or stream failed. <see cref="Code"/> is the Vitess error code (the gRPC status code of the same
/// number) the server ends the stream with: INVALID_ARGUMENT for a bad filter or position, FAILED_PRECONDITION for a
/// source that cannot serve the request (purged binlogs, wrong settings), UNAVAILABLE for a source that cannot be reached.
/// </summary>
public sealed class VStreamException : Exception
{
    private VStreamException(Code code, string message, Exception? inner)
        : base(message, inner) => Code = code;

    /// <summary>The Vitess error code.</summary>
    public Code Code { get; }

    /// <summary>Bad input from the client: the message names the offending text.</summary>
    public static VStreamException InvalidArgument(string message, Exception? inner = null) => new(Code.InvalidArgument, message, inner);

    /// <summary>The source cannot serve the request as it stands.</summary>
    public static VStreamException FailedPrecondition(string message, Exception? inner = null) => new(Code.FailedPrecondition, message, inner);

    /// <summary>The source could not be reached or went away.</summary>
    public static VStreamException Unavailable(string message, Exception? inner = null) => new(Code.Unavailable, message, inner);

    /// <summary>The stream was given up on by the gateway itself (e.g. it waited too long for shards to align).</summary>
    public static VStreamException Canceled(string message, Exception? inner = null) => new(Code.Canceled, message, inner);

    /// <summary>The request or stream is over one of the gateway's limits; the message names the limit and its setting.</summary>
    public static VStreamException ResourceExhausted(string message, Exception? inner = null) => new(Code.ResourceExhausted, message, inner);

    /// <summary>A defect or an unexpected state.</summary>
    public static VStreamException Internal(string message, Exception? inner = null) => new(Code.Internal, message, inner);
}
