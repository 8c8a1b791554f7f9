namespace VGate.MySql.Binlog.Events;

/// <summary>The compression of a TRANSACTION_PAYLOAD event (<c>binary_log::transaction::compression::type</c>).</summary>
public enum TransactionCompression : byte
{
    /// <summary>Zstandard.</summary>
    Zstd = 0,

    /// <summary>Not compressed.</summary>
    None = 255,
}
