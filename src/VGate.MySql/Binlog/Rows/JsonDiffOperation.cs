namespace VGate.MySql.Binlog.Rows;

/// <summary>The operation of one partial JSON update (<c>enum_json_diff_operation</c> in sql/json_diff.h).</summary>
public enum JsonDiffOperation : byte
{
    /// <summary>Replace the value at the path (<c>JSON_REPLACE</c>).</summary>
    Replace = 0,

    /// <summary>Insert a value at the path (<c>JSON_INSERT</c>).</summary>
    Insert = 1,

    /// <summary>Remove the value at the path (<c>JSON_REMOVE</c>).</summary>
    Remove = 2,
}
