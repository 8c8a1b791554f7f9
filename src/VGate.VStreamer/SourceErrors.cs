using System.Net.Sockets;
using System.Security.Authentication;
using VGate.MySql;
using VGate.MySql.Replication;

namespace VGate.VStreamer;

/// <summary>Maps failures of the binlog client and of SQL on the source to <see cref="VStreamException"/> codes.</summary>
internal static class SourceErrors
{
    public static VStreamException ToVStreamException(Exception exception, string keyspace, string shard) => exception switch
    {
        VStreamException stream => stream,
        ReplicationException { Kind: ReplicationErrorKind.PositionPurged } e =>
            VStreamException.FailedPrecondition($"{keyspace}/{shard}: {e.Message}", e),
        // Vitess reports a position the source does not have as a GTIDSet Mismatch; clients and retry logic look for it.
        ReplicationException { Kind: ReplicationErrorKind.PositionNotFound } e =>
            VStreamException.InvalidArgument($"{keyspace}/{shard}: GTIDSet Mismatch: {e.Message}", e),
        ReplicationException { Kind: ReplicationErrorKind.SourceMisconfigured } e =>
            VStreamException.FailedPrecondition($"{keyspace}/{shard}: {e.Message}", e),
        ReplicationException { Kind: ReplicationErrorKind.ConnectionLost } e =>
            VStreamException.Unavailable($"{keyspace}/{shard}: {e.Message}", e),
        ReplicationException e => VStreamException.FailedPrecondition($"{keyspace}/{shard}: {e.Message}", e),
        MySqlServerException e => VStreamException.FailedPrecondition($"{keyspace}/{shard}: the source refused: {e.Message}", e),
        // TLS or the login cannot be set up as configured (certificate rejected, a password that would go in clear text
        // over unverified TLS): a setting to fix, not a lost connection.
        AuthenticationException e => VStreamException.FailedPrecondition($"{keyspace}/{shard}: {e.Message}", e),
        SocketException e => VStreamException.Unavailable($"{keyspace}/{shard}: {e.Message}", e),
        BinlogFormatException e => VStreamException.Internal($"{keyspace}/{shard}: unreadable binlog data: {e.Message}", e),
        IOException or TimeoutException => VStreamException.Unavailable($"{keyspace}/{shard}: {exception.Message}", exception),
        FormatException or ArgumentException => VStreamException.InvalidArgument($"{keyspace}/{shard}: {exception.Message}", exception),
        _ => VStreamException.Internal($"{keyspace}/{shard}: {exception.Message}", exception),
    };
}
