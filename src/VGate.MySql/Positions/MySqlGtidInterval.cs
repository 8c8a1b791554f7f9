using System.Globalization;

namespace VGate.MySql.Positions;

/// <summary>
/// A closed range of GTID sequence numbers, <c>Start</c> to <c>End</c> inclusive, printed <c>1-5</c> (or <c>7</c> when
/// <c>Start == End</c>). Note that the binary encoding used by PREVIOUS_GTIDS and COM_BINLOG_DUMP_GTID stores the
/// end exclusively (<c>[Start, End + 1)</c>); <see cref="MySqlGtidSet.EncodeBinary()"/> converts.
/// </summary>
public readonly struct MySqlGtidInterval : IEquatable<MySqlGtidInterval>
{
    /// <summary>Creates the interval <paramref name="start"/>..<paramref name="end"/> (inclusive).</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="start"/> is below 1, <paramref name="end"/> is below <paramref name="start"/>, or either is above <see cref="MySqlGtid.MaxSequence"/>.
    /// </exception>
    public MySqlGtidInterval(long start, long end)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(start, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, MySqlGtid.MaxSequence);
        Start = start;
        End = end;
    }

    /// <summary>First sequence number in the interval.</summary>
    public long Start { get; }

    /// <summary>Last sequence number in the interval (inclusive).</summary>
    public long End { get; }

    /// <summary>Number of sequence numbers in the interval.</summary>
    public long Count => End - Start + 1;

    public static bool operator ==(MySqlGtidInterval left, MySqlGtidInterval right) => left.Equals(right);

    public static bool operator !=(MySqlGtidInterval left, MySqlGtidInterval right) => !left.Equals(right);

    /// <summary>True when <paramref name="sequence"/> lies in the interval.</summary>
    public bool Contains(long sequence) => sequence >= Start && sequence <= End;

    /// <summary><c>Start-End</c>, or just <c>Start</c> for a single sequence number.</summary>
    public override string ToString() => Start == End
        ? Start.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Start}-{End}");

    public bool Equals(MySqlGtidInterval other) => Start == other.Start && End == other.End;

    public override bool Equals(object? obj) => obj is MySqlGtidInterval other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Start, End);
}
