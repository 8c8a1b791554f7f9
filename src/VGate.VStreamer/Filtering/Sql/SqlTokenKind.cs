namespace VGate.VStreamer.Filtering.Sql;

/// <summary>Kinds of token produced by <see cref="SqlTokenizer"/>.</summary>
internal enum SqlTokenKind
{
    EndOfInput,

    /// <summary>An unquoted word: a keyword or an identifier; <see cref="SqlToken.Text"/> is as written.</summary>
    Word,

    /// <summary>A backtick-quoted identifier; <see cref="SqlToken.Text"/> is the unquoted name.</summary>
    QuotedIdentifier,

    /// <summary>A '…' or "…" literal; <see cref="SqlToken.Text"/> is the unescaped value.</summary>
    String,

    /// <summary>Digits only.</summary>
    Integer,

    /// <summary>Digits with a decimal point and no exponent.</summary>
    Decimal,

    /// <summary>A number with an exponent (an approximate value in MySQL).</summary>
    Float,

    /// <summary>0x… or x'…'; <see cref="SqlToken.Bytes"/> holds the value.</summary>
    Hex,

    /// <summary>Operators and punctuation; <see cref="SqlToken.Text"/> is the symbol (<c>&lt;&gt;</c> is kept as written).</summary>
    Symbol,
}
