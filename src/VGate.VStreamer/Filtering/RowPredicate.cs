namespace VGate.VStreamer.Filtering;

/// <summary>One compiled WHERE term (<c>in_keyrange</c> terms are <see cref="KeyRangeFilter"/>s instead).</summary>
public sealed class RowPredicate
{
    private readonly LiteralComparand[] _comparands;

    internal RowPredicate(PredicateOperator op, int columnIndex, IReadOnlyList<string> literals, string sql, LiteralComparand[] comparands)
    {
        Operator = op;
        ColumnIndex = columnIndex;
        Literals = literals;
        Sql = sql;
        _comparands = comparands;
    }

    /// <summary>The operator.</summary>
    public PredicateOperator Operator { get; }

    /// <summary>The tested column, as an index into the table's columns.</summary>
    public int ColumnIndex { get; }

    /// <summary>The literals as SQL text: one for comparisons, the list for IN, low and high for BETWEEN, none for IS.</summary>
    public IReadOnlyList<string> Literals { get; }

    /// <summary>The term as pushed down into the copy query, e.g. <c>`id` &gt;= 10</c>.</summary>
    public string Sql { get; }

    /// <summary>Evaluates the term on a row; a NULL value only satisfies <see cref="PredicateOperator.IsNull"/>.</summary>
    public bool Matches(IRowValues row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.IsNull(ColumnIndex))
        {
            return Operator == PredicateOperator.IsNull;
        }

        var value = row.GetValue(ColumnIndex).Span;
        switch (Operator)
        {
            case PredicateOperator.IsNull:
                return false;
            case PredicateOperator.IsNotNull:
                return true;
            case PredicateOperator.In:
                foreach (var comparand in _comparands)
                {
                    if (comparand.Compare(value) == 0)
                    {
                        return true;
                    }
                }

                return false;
            case PredicateOperator.Between:
            case PredicateOperator.NotBetween:
                var low = _comparands[0].Compare(value);
                var high = _comparands[1].Compare(value);
                if (low is null || high is null)
                {
                    return false;
                }

                var inside = low >= 0 && high <= 0;
                return Operator == PredicateOperator.Between ? inside : !inside;
        }

        if (_comparands[0].Compare(value) is not { } sign)
        {
            return false;
        }

        return Operator switch
        {
            PredicateOperator.Equal => sign == 0,
            PredicateOperator.NotEqual => sign != 0,
            PredicateOperator.LessThan => sign < 0,
            PredicateOperator.LessThanOrEqual => sign <= 0,
            PredicateOperator.GreaterThan => sign > 0,
            _ => sign >= 0,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Sql;
}
