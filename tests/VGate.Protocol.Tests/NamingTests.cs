using Binlogdata;
using Google.Protobuf;
using Vtgate;

namespace VGate.Protocol.Tests;

/// <summary>
/// Vitess field names such as table_p_ks and last_p_k_event produce unusual JSON and C# names.
/// grpcurl users, JSON-stored positions (Debezium's offsets) and VGate's own code rely on them.
/// </summary>
public class NamingTests
{
    [Theory]
    [InlineData(typeof(ShardGtid), 4, "table_p_ks", "tablePKs")]
    [InlineData(typeof(VEvent), 21, "last_p_k_event", "lastPKEvent")]
    [InlineData(typeof(LastPKEvent), 1, "table_last_p_k", "tableLastPK")]
    [InlineData(typeof(VEvent), 20, "current_time", "currentTime")]
    [InlineData(typeof(VEvent), 5, "row_event", "rowEvent")]
    [InlineData(typeof(VEvent), 6, "field_event", "fieldEvent")]
    [InlineData(typeof(FieldEvent), 25, "enum_set_string_values", "enumSetStringValues")]
    [InlineData(typeof(VStreamFlags), 10, "exclude_keyspace_from_table_name", "excludeKeyspaceFromTableName")]
    [InlineData(typeof(MinimalTable), 3, "p_k_columns", "pKColumns")]
    [InlineData(typeof(Session), 21, "DDLStrategy", "DDLStrategy")]
    [InlineData(typeof(Session.Types.ShardSession), 5, "read_only", "readOnly")]
    [InlineData(typeof(Session.Types.ShardSession), 6, "rows_affected", "rowsAffected")]
    public void FieldHasVitessNameAndJsonName(System.Type messageType, int number, string protoName, string jsonName)
    {
        var descriptor = ((IMessage)Activator.CreateInstance(messageType)!).Descriptor;
        var field = descriptor.FindFieldByNumber(number);

        Assert.NotNull(field);
        Assert.Equal(protoName, field.Name);
        Assert.Equal(jsonName, field.JsonName);
    }

    [Fact]
    public void JsonFormatterUsesTheGotchaNames()
    {
        var vevent = new VEvent
        {
            Type = VEventType.Vgtid,
            CurrentTime = 123,
            Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "ks", TablePKs = { new TableLastPK { TableName = "t" } } } } },
            LastPKEvent = new LastPKEvent { TableLastPK = new TableLastPK { TableName = "t" }, Completed = true },
            FieldEvent = new FieldEvent { EnumSetStringValues = true },
        };
        var flags = new VStreamFlags { ExcludeKeyspaceFromTableName = true };

        var json = JsonFormatter.Default.Format(vevent);
        var flagsJson = JsonFormatter.Default.Format(flags);

        Assert.Contains("\"tablePKs\":", json, StringComparison.Ordinal);
        Assert.Contains("\"lastPKEvent\":", json, StringComparison.Ordinal);
        Assert.Contains("\"tableLastPK\":", json, StringComparison.Ordinal);
        Assert.Contains("\"currentTime\": \"123\"", json, StringComparison.Ordinal);
        Assert.Contains("\"enumSetStringValues\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"VGTID\"", json, StringComparison.Ordinal);
        Assert.Equal("{ \"excludeKeyspaceFromTableName\": true }", flagsJson);
    }

    [Fact]
    public void JsonParserAcceptsOriginalFieldNamesAsDebeziumStoresThem()
    {
        // Debezium keeps the VGTID in its offsets as JSON printed with the original proto field names
        // (snake_case, int64 as strings, bytes as base64). Values from its TablePrimaryKeysTest.
        const string json = """
            {"shard_gtids": [{"keyspace": "test_keyspace", "shard": "-80",
              "gtid": "MySQL56/a790d864-9ba1-11ea-99f6-0242ac11000a:1-1513",
              "table_p_ks": [{"table_name": "numeric_table",
                "lastpk": {"fields": [{"name": "id", "type": "INT64", "charset": 63, "flags": 49667}],
                           "rows": [{"lengths": ["1"], "values": "NQ=="}]}}]}]}
            """;

        var vgtid = JsonParser.Default.Parse<VGtid>(json);

        var tablePk = Assert.Single(Assert.Single(vgtid.ShardGtids).TablePKs);
        Assert.Equal("numeric_table", tablePk.TableName);
        Assert.Equal(Query.Type.Int64, tablePk.Lastpk.Fields[0].Type);
        Assert.Equal(49667u, tablePk.Lastpk.Fields[0].Flags);
        Assert.Equal("5", tablePk.Lastpk.Rows[0].Values.ToStringUtf8());
    }

    [Fact]
    public void CSharpPropertyNamesFollowProtocRules()
    {
        // Compile-time facts, asserted so a renamed field is a visible test change.
        var shardGtid = new ShardGtid();
        shardGtid.TablePKs.Add(new TableLastPK());
        var vevent = new VEvent { LastPKEvent = new LastPKEvent { TableLastPK = new TableLastPK() } };
        var table = new MinimalTable { PKIndexName = "PRIMARY" };
        table.PKColumns.Add(0);

        Assert.Single(shardGtid.TablePKs);
        Assert.NotNull(vevent.LastPKEvent.TableLastPK);
        Assert.Equal("PRIMARY", table.PKIndexName);
        Assert.Equal(nameof(ShardGtid.TablePKs), ShardGtid.Descriptor.FindFieldByNumber(4).PropertyName);
        Assert.Equal(nameof(VEvent.LastPKEvent), VEvent.Descriptor.FindFieldByNumber(21).PropertyName);
    }

    [Theory]
    [InlineData(typeof(VEvent), "binlogdata.VEvent")]
    [InlineData(typeof(Query.Row), "query.Row")]
    [InlineData(typeof(VStreamRequest), "vtgate.VStreamRequest")]
    [InlineData(typeof(Vtrpc.CallerID), "vtrpc.CallerID")]
    [InlineData(typeof(Topodata.KeyRange), "topodata.KeyRange")]
    [InlineData(typeof(Session.Types.ShardSession), "vtgate.Session.ShardSession")]
    [InlineData(typeof(RowChange.Types.Bitmap), "binlogdata.RowChange.Bitmap")]
    public void MessagesHaveVitessFullNames(System.Type messageType, string fullName)
    {
        var descriptor = ((IMessage)Activator.CreateInstance(messageType)!).Descriptor;
        Assert.Equal(fullName, descriptor.FullName);
    }
}
