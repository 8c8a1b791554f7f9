namespace VGate.MySql.Binlog.Events;

/// <summary>What a ROWS event does to its rows.</summary>
public enum RowsEventKind
{
    /// <summary>WRITE_ROWS: each row is an after image.</summary>
    Insert,

    /// <summary>UPDATE_ROWS / PARTIAL_UPDATE_ROWS: each row is a before image followed by an after image.</summary>
    Update,

    /// <summary>DELETE_ROWS: each row is a before image.</summary>
    Delete,
}
