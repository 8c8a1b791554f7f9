using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Tests.Binlog.Rows;

/// <summary>
/// TIMESTAMP seconds → UTC date and time, against .NET's own calendar (<see cref="DateTime.UnixEpoch"/>): the formatter
/// computes the date in integer arithmetic instead of going through <see cref="DateTime"/>.
/// </summary>
public sealed class TemporalFormatterTests
{
    [Fact]
    public void FormatTimestamp_EdgesAndRandomSeconds_MatchDateTime()
    {
        var random = new Random(20261208);
        var seconds = new List<uint>
        {
            1, 59, 60, 86_399, 86_400, 951_782_399, 951_782_400, 951_868_800, // 2000-02-29 (a leap day of a century year)
            1_078_012_800, 2_147_483_647, 2_147_483_648, 4_107_542_399, 4_107_542_400, // 2100-03-01 (2100 is no leap year)
            uint.MaxValue - 1, uint.MaxValue,
        };
        for (var i = 0; i < 200_000; i++)
            seconds.Add((uint)random.NextInt64(1, (long)uint.MaxValue + 1));
        for (var day = 0; day < 50_000; day++)
            seconds.Add((uint)(day * 86_400L + random.Next(86_400)));

        Span<byte> cell = stackalloc byte[4];
        Span<byte> text = stackalloc byte[TemporalFormatter.MaxLength];
        foreach (var value in seconds)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(cell, value);
            var written = TemporalFormatter.FormatTimestamp(cell, text);
            var expected = DateTime.UnixEpoch.AddSeconds(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            Assert.Equal(expected, Encoding.ASCII.GetString(text[..written]));
        }
    }

    [Theory]
    [InlineData(0u, 0, "0000-00-00 00:00:00")]
    [InlineData(0u, 3, "0000-00-00 00:00:00.000")]
    [InlineData(1_700_000_000u, 6, "2023-11-14 22:13:20.123456")]
    [InlineData(1_700_000_000u, 2, "2023-11-14 22:13:20.12")]
    public void FormatTimestamp2_WithFraction_WritesUtcAndFsp(uint seconds, int fsp, string expected)
    {
        var cell = new byte[4 + TemporalFormatter.FractionBytes(fsp)];
        BinaryPrimitives.WriteUInt32BigEndian(cell, seconds);
        // 123456 µs stored in the fsp's bytes: 12 (hundredths) for fsp 1-2, 123456 for 5-6.
        switch (fsp)
        {
            case 2:
                cell[4] = seconds == 0 ? (byte)0 : (byte)12;
                break;
            case 6:
                cell[4] = 0x01;
                cell[5] = 0xE2;
                cell[6] = 0x40;
                break;
        }
        Span<byte> text = stackalloc byte[TemporalFormatter.MaxLength];
        var written = TemporalFormatter.FormatTimestamp2(cell, fsp, text);
        Assert.Equal(expected, Encoding.ASCII.GetString(text[..written]));
    }
}
