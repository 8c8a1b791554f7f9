namespace VGate.MySql.Positions;

/// <summary>The kind of a <see cref="ReplicationPosition"/>, named after Vitess's position flavors.</summary>
public enum PositionFlavor
{
    /// <summary>No position (the default value; Vitess's empty string).</summary>
    None = 0,

    /// <summary>A MySQL GTID set, written <c>MySQL56/uuid:1-5,…</c>.</summary>
    MySql56,

    /// <summary>A MariaDB GTID list, written <c>MariaDB/0-1-100,1-2-5</c>.</summary>
    MariaDb,

    /// <summary>A binlog file and offset, written <c>FilePos/mysql-bin.000003:1234</c>.</summary>
    FilePos,
}
