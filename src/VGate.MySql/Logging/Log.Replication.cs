using Microsoft.Extensions.Logging;

namespace VGate.MySql.Logging;

/// <summary>Replication-client log messages (event ids 1100–1199).</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Information, "Binlog stream started from {Flavor} {ServerVersion} at {Position}")]
    public static partial void BinlogStreamStarted(ILogger logger, string flavor, string serverVersion, string position);

    [LoggerMessage(1101, LogLevel.Information, "Binlog stream reached the end of the source's log at {File}:{Position}")]
    public static partial void BinlogStreamEnded(ILogger logger, string file, ulong position);

    [LoggerMessage(1102, LogLevel.Warning, "No data from the source for {Seconds} s; closing the binlog connection")]
    public static partial void SourceSilent(ILogger logger, double seconds);

    [LoggerMessage(1150, LogLevel.Warning, "The start position is purged and the oldest position the source has could not be read: {Reason}")]
    public static partial void OldestPositionUnknown(ILogger logger, string reason);
}
