using Binlogdata;
using Google.Protobuf;
using Topodata;
using Vtgate;

namespace VGate.Protocol.Tests;

/// <summary>Enum numbers are part of the wire format; aliases must parse from both names.</summary>
public class EnumTests
{
    [Fact]
    public void TabletTypeAliasesShareNumbers()
    {
        Assert.Equal(TabletType.Primary, TabletType.Master);
        Assert.Equal(TabletType.Rdonly, TabletType.Batch);
        Assert.Equal(1, (int)TabletType.Master);
        Assert.Equal(3, (int)TabletType.Batch);
    }

    [Theory]
    [InlineData("MASTER", TabletType.Primary)]
    [InlineData("PRIMARY", TabletType.Primary)]
    [InlineData("BATCH", TabletType.Rdonly)]
    [InlineData("RDONLY", TabletType.Rdonly)]
    [InlineData("REPLICA", TabletType.Replica)]
    public void TabletTypeParsesFromEitherNameInJson(string name, TabletType expected)
    {
        var request = JsonParser.Default.Parse<VStreamRequest>($$"""{"tabletType": "{{name}}"}""");
        Assert.Equal(expected, request.TabletType);
    }

    [Fact]
    public void MasterOnTheWireIsPrimary()
    {
        // A client compiled with only MASTER sends 10 01.
        var request = VStreamRequest.Parser.ParseFrom(Hex.Parse("10 01"));
        Assert.Equal(TabletType.Primary, request.TabletType);
        Assert.Equal("{ \"tabletType\": \"PRIMARY\" }", JsonFormatter.Default.Format(request));
    }

    [Fact]
    public void MySqlFlagAliases()
    {
        Assert.Equal(Query.MySqlFlag.NumFlag, Query.MySqlFlag.GroupFlag);
        Assert.Equal(32768, (int)Query.MySqlFlag.GroupFlag);
        // NOT_NULL | PRI_KEY | AUTO_INCREMENT | PART_KEY | NUM: a bigint auto-increment PK.
        Assert.Equal(49667, (int)(Query.MySqlFlag.NotNullFlag | Query.MySqlFlag.PriKeyFlag | Query.MySqlFlag.AutoIncrementFlag
            | Query.MySqlFlag.PartKeyFlag | Query.MySqlFlag.NumFlag));
    }

    [Theory]
    [InlineData(Query.Type.NullType, 0)]
    [InlineData(Query.Type.Int8, 257)]
    [InlineData(Query.Type.Uint8, 770)]
    [InlineData(Query.Type.Int16, 259)]
    [InlineData(Query.Type.Uint16, 772)]
    [InlineData(Query.Type.Int24, 261)]
    [InlineData(Query.Type.Uint24, 774)]
    [InlineData(Query.Type.Int32, 263)]
    [InlineData(Query.Type.Uint32, 776)]
    [InlineData(Query.Type.Int64, 265)]
    [InlineData(Query.Type.Uint64, 778)]
    [InlineData(Query.Type.Float32, 1035)]
    [InlineData(Query.Type.Float64, 1036)]
    [InlineData(Query.Type.Timestamp, 2061)]
    [InlineData(Query.Type.Date, 2062)]
    [InlineData(Query.Type.Time, 2063)]
    [InlineData(Query.Type.Datetime, 2064)]
    [InlineData(Query.Type.Year, 785)]
    [InlineData(Query.Type.Decimal, 18)]
    [InlineData(Query.Type.Text, 6163)]
    [InlineData(Query.Type.Blob, 10260)]
    [InlineData(Query.Type.Varchar, 6165)]
    [InlineData(Query.Type.Varbinary, 10262)]
    [InlineData(Query.Type.Char, 6167)]
    [InlineData(Query.Type.Binary, 10264)]
    [InlineData(Query.Type.Bit, 2073)]
    [InlineData(Query.Type.Enum, 2074)]
    [InlineData(Query.Type.Set, 2075)]
    [InlineData(Query.Type.Tuple, 28)]
    [InlineData(Query.Type.Geometry, 2077)]
    [InlineData(Query.Type.Json, 2078)]
    [InlineData(Query.Type.Expression, 31)]
    [InlineData(Query.Type.Hexnum, 4128)]
    [InlineData(Query.Type.Hexval, 4129)]
    [InlineData(Query.Type.Bitnum, 4130)]
    [InlineData(Query.Type.Vector, 2083)]
    [InlineData(Query.Type.Raw, 36)]
    [InlineData(Query.Type.RowTuple, 37)]
    public void QueryTypeNumbers(Query.Type type, int number) => Assert.Equal(number, (int)type);

    [Fact]
    public void QueryTypeHasNoOtherValues() => Assert.Equal(38, Enum.GetValues<Query.Type>().Length);

    [Fact]
    public void VEventTypeNumbersRunFromZeroTo22()
    {
        var names = new[]
        {
            "UNKNOWN", "GTID", "BEGIN", "COMMIT", "ROLLBACK", "DDL", "INSERT", "REPLACE", "UPDATE", "DELETE", "SET",
            "OTHER", "ROW", "FIELD", "HEARTBEAT", "VGTID", "JOURNAL", "VERSION", "LASTPK", "SAVEPOINT",
            "COPY_COMPLETED", "PREVIOUS_GTIDS", "ROWS_QUERY",
        };
        var descriptor = BinlogdataReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("VEventType");

        Assert.Equal(names.Length, descriptor.Values.Count);
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(i, descriptor.FindValueByName(names[i]).Number);
        }
    }

    [Fact]
    public void VtrpcCodesMatchGrpcStatusCodes()
    {
        for (var code = 0; code <= 16; code++)
        {
            var grpcName = ((Grpc.Core.StatusCode)code).ToString();
            var vitessName = ((Vtrpc.Code)code).ToString().Replace("Canceled", "Cancelled", StringComparison.Ordinal);
            Assert.Equal(grpcName, vitessName, ignoreCase: true);
        }

        Assert.Equal(17, (int)Vtrpc.Code.ClusterEvent);
        Assert.Equal(18, (int)Vtrpc.Code.ReadOnly);
    }

    [Fact]
    public void SmallEnums()
    {
        Assert.Equal(1, (int)Filter.Types.FieldEventMode.BestEffort);
        Assert.Equal(1, (int)MigrationType.Shards);
        Assert.Equal(3, (int)TransactionMode.Twopc);
        Assert.Equal(3, (int)CommitOrder.Autocommit);
    }
}
