namespace VGate.VStreamer.Filtering.Sql;

/// <summary>One token of a filter statement.</summary>
/// <param name="Kind">The token kind.</param>
/// <param name="Text">The token text (see <see cref="SqlTokenKind"/> for what it holds per kind).</param>
/// <param name="Start">Offset of the first character in the statement.</param>
/// <param name="End">Offset just past the last character.</param>
/// <param name="Bytes">The value of a hex literal; empty otherwise.</param>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Start, int End, byte[] Bytes)
{
    /// <summary>True for an unquoted word equal (ASCII case-insensitively) to <paramref name="keyword"/>.</summary>
    public bool IsKeyword(string keyword) =>
        Kind == SqlTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for the symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;
}
