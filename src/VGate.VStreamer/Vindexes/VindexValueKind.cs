namespace VGate.VStreamer.Vindexes;

/// <summary>How a vindex should read a column value's text bytes (the Vitess <c>sqltypes</c> type family that matters).</summary>
public enum VindexValueKind
{
    /// <summary>SQL NULL; the bytes are ignored (hash and numeric have no destination; byte vindexes see empty bytes).</summary>
    Null,

    /// <summary>A signed integer column: the bytes are its decimal ASCII text, e.g. <c>-1</c>.</summary>
    Signed,

    /// <summary>An UNSIGNED integer column: the bytes are its decimal ASCII text, e.g. <c>18446744073709551615</c>.</summary>
    Unsigned,

    /// <summary>Any other column (text, binary, decimal, float, temporal, ...): the bytes are the value as MySQL's text protocol has it.</summary>
    Bytes,
}
