namespace VGate.MySql.Binlog.Events;

/// <summary>Flags of a ROWS event (the 2-byte field after the table id).</summary>
[Flags]
public enum RowsEventFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>STMT_END_F: the last ROWS event of the statement; the table maps of the statement may be released.</summary>
    StatementEnd = 0x0001,

    /// <summary>NO_FOREIGN_KEY_CHECKS_F.</summary>
    NoForeignKeyChecks = 0x0002,

    /// <summary>RELAXED_UNIQUE_CHECKS_F.</summary>
    RelaxedUniqueChecks = 0x0004,

    /// <summary>COMPLETE_ROWS_F: the images hold every column.</summary>
    CompleteRows = 0x0008,
}
