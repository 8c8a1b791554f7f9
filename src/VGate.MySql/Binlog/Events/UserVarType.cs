namespace VGate.MySql.Binlog.Events;

/// <summary>The type of a user variable value in a USER_VAR event (the server's <c>Item_result</c>).</summary>
public enum UserVarType : byte
{
    /// <summary>STRING_RESULT: bytes in <see cref="UserVarEvent.Charset"/>.</summary>
    String = 0,

    /// <summary>REAL_RESULT: an 8-byte little-endian double.</summary>
    Real = 1,

    /// <summary>INT_RESULT: an 8-byte little-endian integer.</summary>
    Int = 2,

    /// <summary>ROW_RESULT (never written).</summary>
    Row = 3,

    /// <summary>DECIMAL_RESULT: precision byte, scale byte, binary decimal.</summary>
    Decimal = 4,
}
