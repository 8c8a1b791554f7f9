using System.Buffers.Binary;
using System.Globalization;

namespace VGate.MySql.Binlog.Rows;

/// <summary>
/// Text forms of the binlog temporal encodings, as the text protocol prints them:
/// DATE <c>YYYY-MM-DD</c>, TIME <c>[-]hh:mm:ss[.f]</c> (hours may have 3 digits), DATETIME and TIMESTAMP
/// <c>YYYY-MM-DD hh:mm:ss[.f]</c>, with exactly <c>fsp</c> fractional digits. Zero dates print as zeros.
/// TIMESTAMP values are seconds since the epoch and are rendered in <b>UTC</b> (what a session with
/// <c>time_zone='+00:00'</c> selects; VStream uses UTC too); the zero timestamp is <c>0000-00-00 00:00:00</c>.
/// Formats: log_event.cc <c>log_event_print_value</c>, mysys/my_time.cc <c>my_time_packed_from_binary</c>,
/// <c>my_datetime_packed_from_binary</c>, <c>my_timestamp_from_binary</c>.
/// </summary>
internal static class TemporalFormatter
{
    /// <summary>Upper bound of any output ("YYYY-MM-DD hh:mm:ss.ffffff", "-1023:59:59.999999").</summary>
    public const int MaxLength = 32;

    private static readonly int[] FractionDivisors = [1_000_000, 100_000, 10_000, 1000, 100, 10, 1];

    /// <summary>Stored size of TIME2, DATETIME2 and TIMESTAMP2 fractional seconds for the given fsp.</summary>
    public static int FractionBytes(int fsp) => (fsp + 1) / 2;

    /// <summary>DATE / NEWDATE: 3 bytes little-endian, day in bits 0-4, month in 5-8, year above.</summary>
    public static int FormatDate(ReadOnlySpan<byte> cell, Span<byte> destination)
    {
        var value = cell[0] | (cell[1] << 8) | (cell[2] << 16);
        return WriteDate(value >> 9, (value >> 5) & 15, value & 31, destination);
    }

    /// <summary>Old TIME: 3 bytes little-endian signed integer hhmmss.</summary>
    public static int FormatTime(ReadOnlySpan<byte> cell, Span<byte> destination)
    {
        var value = cell[0] | (cell[1] << 8) | (cell[2] << 16);
        if ((value & 0x800000) != 0)
            value |= unchecked((int)0xFF000000);
        var negative = value < 0;
        var abs = Math.Abs(value);
        return WriteTime(negative, abs / 10000, abs / 100 % 100, abs % 100, 0, 0, destination);
    }

    /// <summary>TIME2: 3 bytes big-endian (offset 0x800000) plus 0-3 bytes of fraction, as a signed packed value.</summary>
    public static int FormatTime2(ReadOnlySpan<byte> cell, int fsp, Span<byte> destination)
    {
        long intPart = ((cell[0] << 16) | (cell[1] << 8) | cell[2]) - 0x800000L;
        long packed;
        switch (fsp)
        {
            case 0:
                packed = intPart << 24;
                break;
            case 1:
            case 2:
                {
                    int frac = cell[3];
                    if (intPart < 0 && frac != 0)
                    {
                        intPart++;
                        frac -= 0x100;
                    }
                    packed = (intPart << 24) + (frac * 10000L);
                    break;
                }
            case 3:
            case 4:
                {
                    int frac = BinaryPrimitives.ReadUInt16BigEndian(cell[3..]);
                    if (intPart < 0 && frac != 0)
                    {
                        intPart++;
                        frac -= 0x10000;
                    }
                    packed = (intPart << 24) + (frac * 100L);
                    break;
                }
            default:
                {
                    long raw = ((long)cell[0] << 40) | ((long)cell[1] << 32) | ((long)cell[2] << 24) |
                        ((long)cell[3] << 16) | ((long)cell[4] << 8) | cell[5];
                    packed = raw - 0x800000000000L;
                    break;
                }
        }
        var negative = packed < 0;
        if (negative)
            packed = -packed;
        var hms = packed >> 24;
        var micros = (int)(packed & 0xFFFFFF);
        return WriteTime(negative, (int)((hms >> 12) & 0x3FF), (int)((hms >> 6) & 0x3F), (int)(hms & 0x3F), micros, fsp, destination);
    }

    /// <summary>Old DATETIME: 8 bytes little-endian integer YYYYMMDDhhmmss.</summary>
    public static int FormatDateTime(ReadOnlySpan<byte> cell, Span<byte> destination)
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(cell);
        var date = value / 1_000_000;
        var time = value % 1_000_000;
        if (date > 99_991_231)
            throw BinlogFormatException.Create($"DATETIME value {value} is out of range", 0);
        var pos = WriteDate((int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100), destination);
        destination[pos++] = (byte)' ';
        return pos + WriteClock((int)(time / 10000), (int)(time / 100 % 100), (int)(time % 100), 0, 0, destination[pos..]);
    }

    /// <summary>DATETIME2: 5 bytes big-endian (offset 0x8000000000) plus 0-3 bytes of fraction.</summary>
    public static int FormatDateTime2(ReadOnlySpan<byte> cell, int fsp, Span<byte> destination)
    {
        long raw = ((long)cell[0] << 32) | ((long)cell[1] << 24) | ((long)cell[2] << 16) | ((long)cell[3] << 8) | cell[4];
        var intPart = raw - 0x8000000000L;
        if (intPart < 0)
            throw BinlogFormatException.Create("DATETIME2 value is negative", 0);
        var ymd = intPart >> 17;
        var ym = ymd >> 5;
        var hms = intPart & 0x1FFFF;
        var micros = ReadUnsignedFraction(cell[5..], fsp);
        var pos = WriteDate((int)(ym / 13), (int)(ym % 13), (int)(ymd & 31), destination);
        destination[pos++] = (byte)' ';
        return pos + WriteClock((int)(hms >> 12), (int)((hms >> 6) & 0x3F), (int)(hms & 0x3F), micros, fsp, destination[pos..]);
    }

    /// <summary>Old TIMESTAMP: 4 bytes little-endian seconds since the epoch.</summary>
    public static int FormatTimestamp(ReadOnlySpan<byte> cell, Span<byte> destination) =>
        WriteTimestamp(BinaryPrimitives.ReadUInt32LittleEndian(cell), 0, 0, destination);

    /// <summary>TIMESTAMP2: 4 bytes big-endian seconds since the epoch plus 0-3 bytes of fraction.</summary>
    public static int FormatTimestamp2(ReadOnlySpan<byte> cell, int fsp, Span<byte> destination) =>
        WriteTimestamp(BinaryPrimitives.ReadUInt32BigEndian(cell), ReadUnsignedFraction(cell[4..], fsp), fsp, destination);

    /// <summary>YEAR: 1 byte, years since 1900, 0 meaning the zero year.</summary>
    public static int FormatYear(byte value, Span<byte> destination)
    {
        if (value == 0)
        {
            "0000"u8.CopyTo(destination);
            return 4;
        }
        return WriteNumber(1900 + value, 4, destination);
    }

    /// <summary>DATE in JSON opaque data: an 8-byte little-endian packed datetime.</summary>
    public static int FormatPackedDate(long packed, Span<byte> destination)
    {
        var ymd = (packed >> 24) >> 17;
        var ym = ymd >> 5;
        return WriteDate((int)(ym / 13 % 10000), (int)(ym % 13), (int)(ymd & 31), destination);
    }

    /// <summary>DATETIME/TIMESTAMP in JSON opaque data: an 8-byte little-endian packed datetime, 6 fractional digits.</summary>
    public static int FormatPackedDateTime(long packed, Span<byte> destination)
    {
        if (packed < 0)
            packed = -packed;
        var intPart = packed >> 24;
        var ymd = intPart >> 17;
        var ym = ymd >> 5;
        var hms = intPart & 0x1FFFF;
        var pos = WriteDate((int)(ym / 13 % 10000), (int)(ym % 13), (int)(ymd & 31), destination);
        destination[pos++] = (byte)' ';
        return pos + WriteClock((int)(hms >> 12), (int)((hms >> 6) & 0x3F), (int)(hms & 0x3F), (int)(packed & 0xFFFFFF), 6, destination[pos..]);
    }

    /// <summary>TIME in JSON opaque data: an 8-byte little-endian signed packed time, 6 fractional digits.</summary>
    public static int FormatPackedTime(long packed, Span<byte> destination)
    {
        var negative = packed < 0;
        if (negative)
            packed = -packed;
        var hms = packed >> 24;
        return WriteTime(negative, (int)((hms >> 12) & 0x3FF), (int)((hms >> 6) & 0x3F), (int)(hms & 0x3F), (int)(packed & 0xFFFFFF), 6, destination);
    }

    private static int ReadUnsignedFraction(ReadOnlySpan<byte> bytes, int fsp) => fsp switch
    {
        0 => 0,
        1 or 2 => bytes[0] * 10000,
        3 or 4 => ((bytes[0] << 8) | bytes[1]) * 100,
        _ => (bytes[0] << 16) | (bytes[1] << 8) | bytes[2],
    };

    private static int WriteTimestamp(uint seconds, int micros, int fsp, Span<byte> destination)
    {
        if (seconds == 0)
        {
            var pos = WriteDate(0, 0, 0, destination);
            destination[pos++] = (byte)' ';
            return pos + WriteClock(0, 0, 0, micros, fsp, destination[pos..]);
        }
        // Days since the epoch to the proleptic Gregorian date in integer arithmetic (H. Hinnant's civil_from_days):
        // DateTime.AddSeconds goes through a double and each of Year/Month/Day re-derives the date from the ticks.
        var days = (int)(seconds / 86400);
        var secondOfDay = (int)(seconds % 86400);
        var z = days + 719_468; // days since 0000-03-01
        var era = z / 146_097;
        var dayOfEra = z - (era * 146_097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36_524) - (dayOfEra / 146_096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var shiftedMonth = ((5 * dayOfYear) + 2) / 153; // March = 0
        var day = dayOfYear - (((153 * shiftedMonth) + 2) / 5) + 1;
        var month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        var year = yearOfEra + (era * 400) + (month <= 2 ? 1 : 0);
        var p = WriteDate(year, month, day, destination);
        destination[p++] = (byte)' ';
        return p + WriteClock(secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, micros, fsp, destination[p..]);
    }

    private static int WriteTime(bool negative, int hours, int minutes, int seconds, int micros, int fsp, Span<byte> destination)
    {
        var pos = 0;
        if (negative)
            destination[pos++] = (byte)'-';
        return pos + WriteClock(hours, minutes, seconds, micros, fsp, destination[pos..]);
    }

    /// <summary><c>YYYY-MM-DD</c> (also for the binary protocol's dates, <see cref="Protocol.BinaryRowText"/>).</summary>
    internal static int WriteDate(int year, int month, int day, Span<byte> destination)
    {
        if (year > 9999)
            throw BinlogFormatException.Create($"Year {year} is out of range", 0);
        if ((uint)year > 9999 || (uint)month > 99 || (uint)day > 99)
            return WriteDateSlow(year, month, day, destination);
        var target = destination[..10];
        WriteTwoDigits(year / 100, target);
        WriteTwoDigits(year % 100, target[2..]);
        target[4] = (byte)'-';
        WriteTwoDigits(month, target[5..]);
        target[7] = (byte)'-';
        WriteTwoDigits(day, target[8..]);
        return 10;
    }

    // Month and day come from 4 and 5 bits in every encoding and years are not negative, so this is for completeness only.
    private static int WriteDateSlow(int year, int month, int day, Span<byte> destination)
    {
        var pos = WriteNumber(year, 4, destination);
        destination[pos++] = (byte)'-';
        pos += WriteNumber(month, 2, destination[pos..]);
        destination[pos++] = (byte)'-';
        return pos + WriteNumber(day, 2, destination[pos..]);
    }

    /// <summary><c>hh:mm:ss[.f…]</c> with <paramref name="fsp"/> fractional digits (also for the binary protocol's values).</summary>
    internal static int WriteClock(int hours, int minutes, int seconds, int micros, int fsp, Span<byte> destination)
    {
        if (fsp is < 0 or > 6)
            throw BinlogFormatException.Create($"Fractional seconds precision {fsp} is not between 0 and 6");
        if (micros is < 0 or > 999_999)
            throw BinlogFormatException.Create($"Fractional seconds value {micros} is out of range", 0);
        int pos;
        if ((uint)hours <= 99)
        {
            WriteTwoDigits(hours, destination);
            pos = 2;
        }
        else
        {
            pos = WriteNumber(hours, 2, destination); // TIME: up to 838 (MySQL) or more hours
        }
        destination[pos++] = (byte)':';
        if ((uint)minutes <= 99 && (uint)seconds <= 99)
        {
            WriteTwoDigits(minutes, destination[pos..]);
            destination[pos + 2] = (byte)':';
            WriteTwoDigits(seconds, destination[(pos + 3)..]);
            pos += 5;
        }
        else
        {
            pos += WriteNumber(minutes, 2, destination[pos..]);
            destination[pos++] = (byte)':';
            pos += WriteNumber(seconds, 2, destination[pos..]);
        }
        if (fsp > 0)
        {
            destination[pos++] = (byte)'.';
            if (fsp == 6)
            {
                // The common DATETIME(6)/TIMESTAMP(6): three digit pairs.
                WriteTwoDigits(micros / 10_000, destination[pos..]);
                WriteTwoDigits(micros / 100 % 100, destination[(pos + 2)..]);
                WriteTwoDigits(micros % 100, destination[(pos + 4)..]);
                pos += 6;
            }
            else
            {
                pos += WriteNumber(micros / FractionDivisors[fsp], fsp, destination[pos..]);
            }
        }
        return pos;
    }

    // "00".."99" as two ASCII digits.
    private static void WriteTwoDigits(int value, Span<byte> destination)
    {
        var pair = TwoDigits.Slice(value * 2, 2);
        destination[1] = pair[1];
        destination[0] = pair[0];
    }

    private static ReadOnlySpan<byte> TwoDigits =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    // Zero-padded to minDigits, more digits when the value needs them (hours of a TIME can have 3). Written by hand:
    // int.TryFormat with a "D2"-style format takes the runtime's slow custom-format path.
    private static int WriteNumber(int value, int minDigits, Span<byte> destination)
    {
        if (value < 0)
        {
            value.TryFormat(destination, out var formatted, minDigits == 2 ? "D2" : minDigits == 4 ? "D4" : FractionFormat(minDigits), CultureInfo.InvariantCulture);
            return formatted;
        }

        var digits = 1;
        for (var rest = value; rest >= 10; rest /= 10)
            digits++;
        var written = Math.Max(digits, minDigits);
        var target = destination[..written];
        for (var i = written - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return written;
    }

    private static string FractionFormat(int digits) => digits switch
    {
        1 => "D1",
        3 => "D3",
        5 => "D5",
        6 => "D6",
        _ => "D",
    };
}
