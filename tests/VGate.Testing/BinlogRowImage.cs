namespace VGate.Testing;

/// <summary>Values of the server's <c>binlog_row_image</c> variable.</summary>
public enum BinlogRowImage
{
    /// <summary><c>FULL</c>: every column in before and after images (what VGate requires).</summary>
    Full,

    /// <summary><c>MINIMAL</c>: key columns in the before image, changed columns in the after image.</summary>
    Minimal,

    /// <summary><c>NOBLOB</c>: like <c>FULL</c> but unchanged BLOB/TEXT columns are left out.</summary>
    NoBlob,
}
