using VGate.MySql.Binlog;
using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Tests.Filtering;

public sealed class ColumnKindsTests
{
    [Theory]
    [InlineData(ColumnType.LongLong, false, false, ColumnKind.SignedInteger)]
    [InlineData(ColumnType.LongLong, true, false, ColumnKind.UnsignedInteger)]
    [InlineData(ColumnType.Tiny, true, false, ColumnKind.UnsignedInteger)]
    [InlineData(ColumnType.Year, false, false, ColumnKind.SignedInteger)]
    [InlineData(ColumnType.NewDecimal, false, false, ColumnKind.Decimal)]
    [InlineData(ColumnType.Double, false, false, ColumnKind.Float)]
    [InlineData(ColumnType.Timestamp2, false, false, ColumnKind.DateTime)]
    [InlineData(ColumnType.Date, false, false, ColumnKind.DateTime)]
    [InlineData(ColumnType.Time2, false, false, ColumnKind.Time)]
    [InlineData(ColumnType.VarChar, false, false, ColumnKind.Text)]
    [InlineData(ColumnType.VarChar, false, true, ColumnKind.Binary)]
    [InlineData(ColumnType.Blob, false, true, ColumnKind.Binary)]
    [InlineData(ColumnType.Bit, false, false, ColumnKind.Bit)]
    [InlineData(ColumnType.Geometry, false, false, ColumnKind.Binary)]
    public void FromColumnType_MapsKinds(ColumnType type, bool unsigned, bool binary, ColumnKind expected)
    {
        Assert.Equal(expected, ColumnKinds.FromColumnType(type, unsigned, binary));
    }
}
