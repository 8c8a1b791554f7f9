using System.Buffers;
using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Tests.Binlog.Rows;

internal static class CellTestHelpers
{
    public static ColumnInfo Column(ColumnType type, int metadata = 0, bool unsigned = false, int collation = 0,
        IReadOnlyList<string>? enumValues = null, IReadOnlyList<string>? setValues = null, ColumnType? wireType = null) => new()
        {
            Index = 0,
            Name = "c",
            Type = type,
            WireType = wireType ?? type,
            Metadata = (ushort)metadata,
            IsNullable = true,
            IsUnsigned = unsigned,
            CollationId = collation,
            EnumValues = enumValues,
            SetValues = setValues,
        };

    public static byte[] WriteText(ColumnInfo column, string cellHex)
    {
        var output = new ArrayBufferWriter<byte>();
        ColumnValueDecoder.WriteText(column, Convert.FromHexString(cellHex), output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>"hex:ABCD" compares bytes; anything else compares the UTF-8 text.</summary>
    public static void AssertBytes(string expected, byte[] actual)
    {
        if (expected.StartsWith("hex:", StringComparison.Ordinal))
            Assert.Equal(expected[4..], Convert.ToHexString(actual));
        else
            Assert.Equal(expected, Encoding.UTF8.GetString(actual));
    }

    public static string[]? Members(string? spec)
    {
        if (spec is null)
            return null;
        if (spec.StartsWith("range:", StringComparison.Ordinal))
        {
            var parts = spec.Split(':');
            return Enumerable.Range(1, int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)).Select(i => parts[1] + i).ToArray();
        }
        return spec.Split('|');
    }
}
