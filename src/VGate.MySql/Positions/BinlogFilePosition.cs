using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VGate.MySql.Positions;

/// <summary>
/// A position in a server's binary logs: file name and byte offset, written <c>mysql-bin.000003:1234</c>
/// (Vitess's <c>FilePos</c> flavor without the prefix).
/// </summary>
/// <remarks>
/// Ordering compares the numeric suffix of the file names (<c>mysql-bin.000009</c> &lt; <c>mysql-bin.000010</c>,
/// and past <c>.999999</c> to <c>.1000000</c>), then the position. Names without a numeric suffix, or equal
/// suffixes with different base names, fall back to ordinal name order so the order stays total.
/// </remarks>
public readonly struct BinlogFilePosition : IEquatable<BinlogFilePosition>, IComparable<BinlogFilePosition>, IComparable
{
    private readonly string? _fileName;

    /// <summary>Creates a position.</summary>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty or contains a <c>:</c> or whitespace at either end.</exception>
    public BinlogFilePosition(string fileName, ulong position)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (fileName.Contains(':', StringComparison.Ordinal) || fileName.AsSpan().Trim().Length != fileName.Length)
            throw new ArgumentException($"\"{fileName}\" is not a binlog file name.", nameof(fileName));
        _fileName = fileName;
        Position = position;
    }

    /// <summary>The binlog file name, e.g. <c>mysql-bin.000003</c> (empty for the default value).</summary>
    public string FileName => _fileName ?? "";

    /// <summary>Byte offset within the file.</summary>
    public ulong Position { get; }

    public static bool operator ==(BinlogFilePosition left, BinlogFilePosition right) => left.Equals(right);

    public static bool operator !=(BinlogFilePosition left, BinlogFilePosition right) => !left.Equals(right);

    public static bool operator <(BinlogFilePosition left, BinlogFilePosition right) => left.CompareTo(right) < 0;

    public static bool operator <=(BinlogFilePosition left, BinlogFilePosition right) => left.CompareTo(right) <= 0;

    public static bool operator >(BinlogFilePosition left, BinlogFilePosition right) => left.CompareTo(right) > 0;

    public static bool operator >=(BinlogFilePosition left, BinlogFilePosition right) => left.CompareTo(right) >= 0;

    /// <summary>Parses <c>file:position</c> (split at the last colon).</summary>
    /// <exception cref="FormatException">The text is not <c>file:position</c>; the message quotes it.</exception>
    public static BinlogFilePosition Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static BinlogFilePosition Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out var position, out var error) ? position : throw new FormatException(FormatError(s, error));

    /// <summary>Tries to parse <c>file:position</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out BinlogFilePosition result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParseCore(s, out result, out _);
    }

    /// <inheritdoc cref="TryParse(string?, out BinlogFilePosition)"/>
    public static bool TryParse(ReadOnlySpan<char> s, out BinlogFilePosition result) => TryParseCore(s, out result, out _);

    /// <summary><c>file:position</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FileName}:{Position}");

    public bool Equals(BinlogFilePosition other) =>
        Position == other.Position && string.Equals(FileName, other.FileName, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is BinlogFilePosition other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(FileName, Position);

    public int CompareTo(BinlogFilePosition other)
    {
        var order = CompareFileNames(FileName, other.FileName);
        return order != 0 ? order : Position.CompareTo(other.Position);
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        BinlogFilePosition other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(BinlogFilePosition)}.", nameof(obj)),
    };

    internal static string FormatError(ReadOnlySpan<char> input, string? error) => $"Invalid binlog file position \"{input}\": {error}.";

    internal static bool TryParseCore(ReadOnlySpan<char> s, out BinlogFilePosition result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        var text = s.Trim();
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = "expected file:position";
            return false;
        }

        var file = text[..colon].Trim();
        var positionText = text[(colon + 1)..].Trim();
        if (file.IsEmpty || file.Contains(':'))
        {
            error = file.IsEmpty ? "the file name is empty" : $"\"{file}\" is not a binlog file name";
            return false;
        }

        if (!PositionText.TryParseDecimal(positionText, out var position))
        {
            error = $"position \"{positionText}\" is not a number from 0 to {ulong.MaxValue}";
            return false;
        }

        result = new BinlogFilePosition(file.ToString(), position);
        error = null;
        return true;
    }

    private static int CompareFileNames(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
            return 0;
        if (TryGetSuffix(a, out var suffixA) && TryGetSuffix(b, out var suffixB) && suffixA != suffixB)
            return suffixA.CompareTo(suffixB);
        return string.CompareOrdinal(a, b);
    }

    private static bool TryGetSuffix(string fileName, out ulong suffix)
    {
        var dot = fileName.LastIndexOf('.');
        suffix = 0;
        return dot >= 0 && PositionText.TryParseDecimal(fileName.AsSpan(dot + 1), out suffix);
    }
}
