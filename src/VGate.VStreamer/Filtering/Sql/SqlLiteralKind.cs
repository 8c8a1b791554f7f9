namespace VGate.VStreamer.Filtering.Sql;

/// <summary>Kinds of literal in a filter statement.</summary>
internal enum SqlLiteralKind
{
    Integer,
    Decimal,
    Float,
    String,
    Hex,
    Null,
    True,
    False,
}
