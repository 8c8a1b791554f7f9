using System.Globalization;

namespace VGate.Testing.Differential;

/// <summary>
/// The one text form every judge of the differential tests turns values into before comparing, whatever the delivery
/// format (binlog row, VStream row, Debezium JSON, <c>SELECT</c>):
/// <list type="table">
/// <item><term>integers, DECIMAL, DATE, TIME, DATETIME, TIMESTAMP (UTC), ENUM, SET</term><description><c>SELECT</c>'s
/// text form (<c>-0.50</c>, <c>2026-01-02 03:04:05.120</c>, member names).</description></item>
/// <item><term>YEAR</term><description>the number (<c>0</c> for the zero year, which SELECT prints as <c>0000</c>).</description></item>
/// <item><term>FLOAT, DOUBLE</term><description>the exact value (<see cref="Float"/>, <see cref="Double"/>).</description></item>
/// <item><term>BIT</term><description>the unsigned number.</description></item>
/// <item><term>strings, binary strings, JSON, GEOMETRY, INET6, UUID</term><description>the exact stored bytes as
/// <c>x'HEX'</c> (<see cref="Bytes"/>).</description></item>
/// </list>
/// NULL is null.
/// </summary>
public static class CanonicalValue
{
    /// <summary>
    /// FLOAT: the exact single-precision value, round-trip formatted. The text must identify the float exactly: the
    /// shortest round-trip form VStream sends (<c>1E-45</c>) or the exact double of the float (SELECT of
    /// <c>CAST(f AS DOUBLE)</c>); SELECT's own 6-digit form (<c>1.4013e-45</c>) does not always.
    /// </summary>
    public static string Float(string text) =>
        float.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>DOUBLE: the exact value, round-trip formatted.</summary>
    public static string Double(string text) =>
        double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>YEAR: the number, so that <c>0000</c> and <c>0</c> (the zero year) are equal.</summary>
    public static string Year(string text) => int.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    /// <summary>Exact bytes as <c>x'HEX'</c>.</summary>
    public static string Bytes(ReadOnlySpan<byte> bytes) => "x'" + Convert.ToHexString(bytes) + "'";

    /// <summary>A BIT value from its big-endian bytes.</summary>
    public static string BitBigEndian(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (var b in bytes)
            value = (value << 8) | b;
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
