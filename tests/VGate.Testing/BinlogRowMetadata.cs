namespace VGate.Testing;

/// <summary>Values of the server's <c>binlog_row_metadata</c> variable.</summary>
public enum BinlogRowMetadata
{
    /// <summary><c>FULL</c>: column names, signedness, charsets, primary key in TABLE_MAP (what VGate requires).</summary>
    Full,

    /// <summary><c>MINIMAL</c>: signedness, charsets and geometry types only.</summary>
    Minimal,

    /// <summary><c>NO_LOG</c>: no optional metadata.</summary>
    NoLog,
}
