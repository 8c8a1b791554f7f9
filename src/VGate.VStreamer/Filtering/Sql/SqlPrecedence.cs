namespace VGate.VStreamer.Filtering.Sql;

/// <summary>Binding strengths of the operators (higher binds tighter), as in MySQL.</summary>
internal static class SqlPrecedence
{
    public const int Or = 1;
    public const int Xor = 2;
    public const int And = 3;
    public const int Not = 4;
    public const int Predicate = 5;
    public const int Additive = 7;
    public const int Multiplicative = 8;
    public const int Unary = 9;
}
