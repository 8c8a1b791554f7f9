namespace VGate.VStreamer.Filtering;

/// <summary>The WHERE forms a filter supports (besides <c>in_keyrange</c>).</summary>
public enum PredicateOperator
{
    /// <summary><c>col = v</c></summary>
    Equal,

    /// <summary><c>col != v</c> or <c>col &lt;&gt; v</c></summary>
    NotEqual,

    /// <summary><c>col &lt; v</c></summary>
    LessThan,

    /// <summary><c>col &lt;= v</c></summary>
    LessThanOrEqual,

    /// <summary><c>col &gt; v</c></summary>
    GreaterThan,

    /// <summary><c>col &gt;= v</c></summary>
    GreaterThanOrEqual,

    /// <summary><c>col in (v1, v2, …)</c></summary>
    In,

    /// <summary><c>col is null</c>: the only predicate a NULL satisfies.</summary>
    IsNull,

    /// <summary><c>col is not null</c></summary>
    IsNotNull,

    /// <summary><c>col between low and high</c>, both bounds inclusive.</summary>
    Between,

    /// <summary><c>col not between low and high</c>: below low or above high.</summary>
    NotBetween,
}
