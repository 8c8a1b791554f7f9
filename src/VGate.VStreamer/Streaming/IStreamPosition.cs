using VGate.MySql.Positions;

namespace VGate.VStreamer.Streaming;

/// <summary>Where the binlog reader under a <see cref="StreamSession"/> is.</summary>
internal interface IStreamPosition
{
    /// <summary>True when the source is MariaDB (FIELD types differ slightly between flavors).</summary>
    bool IsMariaDb { get; }

    /// <summary>The GTID position after the last complete transaction read (what a GTID event reports).</summary>
    ReplicationPosition? Position { get; }
}
