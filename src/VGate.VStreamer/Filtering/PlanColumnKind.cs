namespace VGate.VStreamer.Filtering;

/// <summary>What a streamed column holds.</summary>
public enum PlanColumnKind
{
    /// <summary>A table column's value.</summary>
    Column,

    /// <summary><c>keyspace_id()</c>: the row's keyspace id from the primary vindex, as VARBINARY.</summary>
    KeyspaceId,

    /// <summary>The literal <c>1</c> (INT64, NOT NULL).</summary>
    LiteralOne,
}
