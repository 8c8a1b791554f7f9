using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.MySql.Tests.Binlog.Rows;

public sealed class CellLengthTests
{
    private static readonly byte[] Plenty = new byte[64];

    public static TheoryData<ColumnType, int, int> FixedSizeCases => new()
    {
        { ColumnType.Tiny, 0, 1 },
        { ColumnType.Short, 0, 2 },
        { ColumnType.Int24, 0, 3 },
        { ColumnType.Long, 0, 4 },
        { ColumnType.LongLong, 0, 8 },
        { ColumnType.Float, 4, 4 },
        { ColumnType.Double, 8, 8 },
        { ColumnType.Year, 0, 1 },
        { ColumnType.Date, 0, 3 },
        { ColumnType.Time, 0, 3 },
        { ColumnType.DateTime, 0, 8 },
        { ColumnType.Timestamp, 0, 4 },
        { ColumnType.Time2, 0, 3 },
        { ColumnType.Time2, 3, 5 },
        { ColumnType.Time2, 6, 6 },
        { ColumnType.DateTime2, 0, 5 },
        { ColumnType.DateTime2, 1, 6 },
        { ColumnType.DateTime2, 6, 8 },
        { ColumnType.Timestamp2, 2, 5 },
        { ColumnType.Timestamp2, 5, 7 },
        { ColumnType.NewDecimal, 10 | (2 << 8), 5 },     // DECIMAL(10,2): 8 integer digits → 4 bytes, 2 fraction → 1
        { ColumnType.NewDecimal, 20 | (6 << 8), 10 },    // DECIMAL(20,6): 14 → 4+3, 6 → 3
        { ColumnType.NewDecimal, 65 | (30 << 8), 30 },   // DECIMAL(65,30): 35 → 16, 30 → 14
        { ColumnType.NewDecimal, 9 | (9 << 8), 4 },      // DECIMAL(9,9)
        { ColumnType.NewDecimal, 1 | (0 << 8), 1 },
        { ColumnType.Bit, 3 | (0 << 8), 1 },             // BIT(3)
        { ColumnType.Bit, 0 | (1 << 8), 1 },             // BIT(8)
        { ColumnType.Bit, 2 | (1 << 8), 2 },             // BIT(10)
        { ColumnType.Bit, 0 | (8 << 8), 8 },             // BIT(64)
        { ColumnType.Enum, 0xF7 | (1 << 8), 1 },
        { ColumnType.Enum, 0xF7 | (2 << 8), 2 },
        { ColumnType.Set, 0xF8 | (8 << 8), 8 },
    };

    [Theory]
    [MemberData(nameof(FixedSizeCases))]
    public void Of_FixedSizeTypes(ColumnType type, int metadata, int expected) =>
        Assert.Equal(expected, CellLength.Of(Column(type, metadata), Plenty));

    // The row walk takes these lengths from the TABLE_MAP instead of calling Of per cell: they must agree.
    [Theory]
    [MemberData(nameof(FixedSizeCases))]
    public void FixedOrMinusOne_FixedSizeTypes_SameLengthAsOf(ColumnType type, int metadata, int expected) =>
        Assert.Equal(expected, CellLength.FixedOrMinusOne(Column(type, metadata)));

    [Theory]
    [InlineData(ColumnType.VarChar, 255)]
    [InlineData(ColumnType.VarString, 1200)]
    [InlineData(ColumnType.String, 0xFE | (20 << 8))]
    [InlineData(ColumnType.Blob, 2)]
    [InlineData(ColumnType.Json, 4)]
    [InlineData(ColumnType.Geometry, 4)]
    [InlineData(ColumnType.Vector, 4)]
    [InlineData(ColumnType.NewDecimal, 10 | (20 << 8))]   // invalid: scale > precision, left for Of to report
    [InlineData(ColumnType.DateTime2, 7)]                 // invalid fractional precision
    [InlineData(ColumnType.Enum, 0xF7 | (3 << 8))]        // invalid storage size
    [InlineData(ColumnType.TypedArray, 0)]
    public void FixedOrMinusOne_PrefixedOrInvalid_MinusOne(ColumnType type, int metadata) =>
        Assert.Equal(-1, CellLength.FixedOrMinusOne(Column(type, metadata)));

    [Theory]
    [InlineData(ColumnType.VarChar, 255, -2)]              // 1-byte prefix
    [InlineData(ColumnType.VarChar, 256, -3)]              // 2-byte prefix
    [InlineData(ColumnType.VarString, 1200, -3)]
    [InlineData(ColumnType.String, 0xFE | (20 << 8), -2)] // CHAR(20)
    [InlineData(ColumnType.String, 0xEE | (44 << 8), -3)] // CHAR(300): high length bits in the type byte
    [InlineData(ColumnType.TinyBlob, 1, -2)]
    [InlineData(ColumnType.Blob, 2, -3)]
    [InlineData(ColumnType.MediumBlob, 3, -4)]
    [InlineData(ColumnType.LongBlob, 4, -5)]
    [InlineData(ColumnType.Json, 4, -5)]
    [InlineData(ColumnType.Geometry, 4, -5)]
    [InlineData(ColumnType.Vector, 4, -5)]
    [InlineData(ColumnType.Blob, 5, -1)]                   // invalid prefix size: left for Of to report
    [InlineData(ColumnType.NewDecimal, 10 | (20 << 8), -1)]
    [InlineData(ColumnType.TypedArray, 0, -1)]
    [InlineData(ColumnType.Long, 0, 4)]
    [InlineData(ColumnType.DateTime2, 6, 8)]
    public void Layout_PrefixSizeOrFixedLength_MatchesWhatOfReads(ColumnType type, int metadata, int expected) =>
        Assert.Equal(expected, CellLength.Layout(Column(type, metadata)));

    [Theory]
    [InlineData(ColumnType.VarChar, 255, "05 68656c6c6f", 6)]
    [InlineData(ColumnType.VarChar, 256, "0500 68656c6c6f", 7)]
    [InlineData(ColumnType.VarString, 1200, "0000", 2)]
    [InlineData(ColumnType.String, 0xFE | (20 << 8), "03 616263", 4)]       // CHAR(20) latin1
    [InlineData(ColumnType.String, 0xDE | (0 << 8), "0300 616263", 5)]      // CHAR(128) utf8mb4: 512 bytes, 2-byte prefix
    [InlineData(ColumnType.Blob, 1, "02 0102", 3)]
    [InlineData(ColumnType.Blob, 2, "0200 0102", 4)]
    [InlineData(ColumnType.Blob, 3, "020000 0102", 5)]
    [InlineData(ColumnType.Blob, 4, "02000000 0102", 6)]
    [InlineData(ColumnType.Json, 4, "00000000", 4)]
    [InlineData(ColumnType.Geometry, 4, "01000000 ff", 5)]
    [InlineData(ColumnType.Vector, 4, "04000000 0000803f", 8)]
    public void Of_LengthPrefixedTypes(ColumnType type, int metadata, string hex, int expected) =>
        Assert.Equal(expected, CellLength.Of(Column(type, metadata), TestData.Hex(hex)));

    [Theory]
    [InlineData(0xFE | (20 << 8), 20)]
    [InlineData(0xDE | (0 << 8), 512)]
    [InlineData(0xEE | (0xFC << 8), 508)]
    [InlineData(0xDE | (0xFC << 8), 764)]
    public void StringMaxLength_DecodesTheHighBitsInTheTypeByte(int metadata, int expected) =>
        Assert.Equal(expected, CellLength.StringMaxLength((ushort)metadata));

    [Theory]
    [InlineData(ColumnType.Long, 0, "010203")]
    [InlineData(ColumnType.VarChar, 10, "05 6869")]
    [InlineData(ColumnType.VarChar, 300, "05")]
    [InlineData(ColumnType.Blob, 4, "ffffffff 00")]
    [InlineData(ColumnType.Json, 4, "")]
    [InlineData(ColumnType.NewDecimal, 10 | (20 << 8), "0000000000000000")]
    [InlineData(ColumnType.DateTime2, 7, "0000000000000000")]
    [InlineData(ColumnType.Blob, 0, "00")]
    [InlineData(ColumnType.Enum, 0xF7 | (3 << 8), "000000")]
    [InlineData(ColumnType.TypedArray, 0, "00")]
    [InlineData(ColumnType.Decimal, 0, "00")]
    public void Of_TruncatedOrInvalid_ThrowsFormatException(ColumnType type, int metadata, string hex) =>
        Assert.Throws<BinlogFormatException>(() => CellLength.Of(Column(type, metadata), TestData.Hex(hex)));

    private static ColumnInfo Column(ColumnType type, int metadata) => new()
    {
        Index = 0,
        Type = type,
        WireType = type is ColumnType.Enum or ColumnType.Set ? ColumnType.String : type,
        Metadata = (ushort)metadata,
        IsNullable = true,
    };
}
