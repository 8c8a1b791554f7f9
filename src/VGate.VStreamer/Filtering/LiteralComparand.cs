using System.Text;
using VGate.VStreamer.Filtering.Sql;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// A filter literal prepared for comparison with the values of one column kind. <see cref="Compare"/> returns the
/// sign of (column value − literal), or null when they can't be compared (SQL NULL semantics: no match).
/// </summary>
/// <remarks>
/// Rules, approximating MySQL's:
/// <list type="bullet">
/// <item>Integer/decimal columns against a plain number (or a string holding one): exact decimal comparison of any
/// size. Against an exponent literal or a non-numeric string: as doubles, the string read by MySQL's prefix rule.</item>
/// <item>Float columns: as doubles.</item>
/// <item>Temporal columns: chronologically (<see cref="TemporalText"/>); a literal that isn't a date/time falls back to
/// comparing the bytes.</item>
/// <item>Text columns: bytes with ASCII letters case-folded — an approximation of MySQL's default <c>_ci</c>
/// collations (no accent folding, no PAD SPACE trimming, no multi-byte case folding). Against a number: as doubles.</item>
/// <item>Binary columns: raw bytes; against a number: as doubles. BIT: as an unsigned integer against numbers.</item>
/// <item>Hex literals are byte strings, except against numeric columns where they are unsigned integers.</item>
/// </list>
/// </remarks>
internal abstract class LiteralComparand
{
    /// <summary>Compares a non-null column value with the literal.</summary>
    public abstract int? Compare(ReadOnlySpan<byte> value);

    /// <summary>Prepares <paramref name="literal"/> for columns of <paramref name="kind"/>.</summary>
    public static LiteralComparand Create(ColumnKind kind, SqlLiteral literal)
    {
        if (literal.Kind == SqlLiteralKind.Null)
        {
            return NullComparand.Instance;
        }

        if (literal.Kind is SqlLiteralKind.True or SqlLiteralKind.False)
        {
            literal = new SqlLiteral(SqlLiteralKind.Integer, literal.Kind == SqlLiteralKind.True ? "1" : "0", []);
        }

        switch (kind)
        {
            case ColumnKind.SignedInteger:
            case ColumnKind.UnsignedInteger:
            case ColumnKind.Decimal:
                return NumberFor(literal, exactColumn: true);
            case ColumnKind.Float:
                return NumberFor(literal, exactColumn: false);
            case ColumnKind.DateTime:
                return TemporalText.TryParseDateTime(literal.ValueBytes, out var dateKey)
                    ? new DateTimeComparand(dateKey, literal.ValueBytes)
                    : new BytesComparand(literal.ValueBytes, foldCase: false);
            case ColumnKind.Time:
                return TemporalText.TryParseTime(literal.ValueBytes, out var timeKey)
                    ? new TimeComparand(timeKey, literal.ValueBytes)
                    : new BytesComparand(literal.ValueBytes, foldCase: false);
            case ColumnKind.Bit:
                return literal.IsNumeric || literal.Kind == SqlLiteralKind.Hex
                    ? new BitComparand(NumberFor(literal, exactColumn: true))
                    : new BytesComparand(literal.ValueBytes, foldCase: false);
            case ColumnKind.Text:
                return literal.IsNumeric
                    ? new DoubleComparand(ToDouble(literal))
                    : new BytesComparand(literal.ValueBytes, foldCase: literal.Kind != SqlLiteralKind.Hex);
            default:
                return literal.IsNumeric
                    ? new DoubleComparand(ToDouble(literal))
                    : new BytesComparand(literal.ValueBytes, foldCase: false);
        }
    }

    private static LiteralComparand NumberFor(SqlLiteral literal, bool exactColumn)
    {
        byte[]? exact = literal.Kind switch
        {
            SqlLiteralKind.Integer or SqlLiteralKind.Decimal => Encoding.ASCII.GetBytes(literal.Text),
            SqlLiteralKind.Hex => NumericText.UnsignedBigEndianToDecimal(literal.HexBytes),
            SqlLiteralKind.String => NumericText.IsExact(literal.ValueBytes) ? literal.ValueBytes : null,
            _ => null,
        };
        if (exactColumn && exact is not null)
        {
            return new ExactComparand(exact);
        }

        var value = exact is not null
            ? NumericText.ParseDoublePrefix(exact)
            : ToDouble(literal);
        return new DoubleComparand(value);
    }

    private static double ToDouble(SqlLiteral literal) => literal.Kind == SqlLiteralKind.Hex
        ? NumericText.ParseDoublePrefix(NumericText.UnsignedBigEndianToDecimal(literal.HexBytes))
        : NumericText.ParseDoublePrefix(literal.ValueBytes);

    private static int CompareDoubles(double left, double right) => left < right ? -1 : left > right ? 1 : 0;

    private sealed class NullComparand : LiteralComparand
    {
        public static readonly NullComparand Instance = new();

        public override int? Compare(ReadOnlySpan<byte> value) => null;
    }

    private sealed class ExactComparand(byte[] literal) : LiteralComparand
    {
        public override int? Compare(ReadOnlySpan<byte> value) =>
            NumericText.TryCompareExact(value, literal, out var result)
                ? result
                : CompareDoubles(NumericText.ParseDoublePrefix(value), NumericText.ParseDoublePrefix(literal));
    }

    /// <summary>Column text is read with MySQL's string-to-number prefix rule ("12abc" is 12, "abc" is 0).</summary>
    private sealed class DoubleComparand(double literal) : LiteralComparand
    {
        public override int? Compare(ReadOnlySpan<byte> value)
        {
            var number = NumericText.ParseDoublePrefix(value);
            return double.IsNaN(number) ? null : CompareDoubles(number, literal);
        }
    }

    private sealed class BitComparand(LiteralComparand number) : LiteralComparand
    {
        public override int? Compare(ReadOnlySpan<byte> value) => number.Compare(NumericText.UnsignedBigEndianToDecimal(value));
    }

    private sealed class DateTimeComparand(long literal, byte[] literalBytes) : LiteralComparand
    {
        public override int? Compare(ReadOnlySpan<byte> value) => TemporalText.TryParseDateTime(value, out var key)
            ? key.CompareTo(literal)
            : Math.Sign(value.SequenceCompareTo(literalBytes));
    }

    private sealed class TimeComparand(long literal, byte[] literalBytes) : LiteralComparand
    {
        public override int? Compare(ReadOnlySpan<byte> value) => TemporalText.TryParseTime(value, out var key)
            ? key.CompareTo(literal)
            : Math.Sign(value.SequenceCompareTo(literalBytes));
    }

    private sealed class BytesComparand(byte[] literal, bool foldCase) : LiteralComparand
    {
        public override int? Compare(ReadOnlySpan<byte> value)
        {
            if (!foldCase)
            {
                return Math.Sign(value.SequenceCompareTo(literal));
            }

            var length = Math.Min(value.Length, literal.Length);
            for (var i = 0; i < length; i++)
            {
                var left = Fold(value[i]);
                var right = Fold(literal[i]);
                if (left != right)
                {
                    return left < right ? -1 : 1;
                }
            }

            return value.Length.CompareTo(literal.Length);
        }

        private static byte Fold(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
    }
}
