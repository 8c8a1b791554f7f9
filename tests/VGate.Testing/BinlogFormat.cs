namespace VGate.Testing;

/// <summary>Values of the server's <c>binlog_format</c> variable.</summary>
public enum BinlogFormat
{
    /// <summary><c>ROW</c>: row events with before/after images (what VGate requires).</summary>
    Row,

    /// <summary><c>STATEMENT</c>: SQL text only; VGate must refuse such a source.</summary>
    Statement,

    /// <summary><c>MIXED</c>: statements, switching to rows for unsafe statements.</summary>
    Mixed,
}
