using Binlogdata;
using Google.Protobuf.Reflection;
using Vtgate;

namespace VGate.Protocol.Tests;

/// <summary>
/// The field table of the messages on the VStream and Execute paths, written out from Vitess's
/// .proto files (see proto/README.md for the revision). Name, number, type and label of every
/// field must match; a field added to or removed from our .proto without updating this table fails.
/// Format of each entry: "number name type[ repeated]", type being the proto type name or the
/// full message/enum name.
/// </summary>
public class SchemaTests
{
    public static TheoryData<string, string> Messages => new()
    {
        { "vtgate.VStreamRequest", "1 caller_id vtrpc.CallerID; 2 tablet_type topodata.TabletType; 3 vgtid binlogdata.VGtid; 4 filter binlogdata.Filter; 5 flags vtgate.VStreamFlags" },
        { "vtgate.VStreamResponse", "1 events binlogdata.VEvent repeated" },
        { "vtgate.VStreamFlags", "1 minimize_skew bool; 2 heartbeat_interval uint32; 3 stop_on_reshard bool; 4 cells string; 5 cell_preference string; 6 tablet_order string; 7 stream_keyspace_heartbeats bool; 8 include_reshard_journal_events bool; 9 tables_to_copy string repeated; 10 exclude_keyspace_from_table_name bool; 11 transaction_chunk_size int64" },
        { "vtgate.ExecuteRequest", "1 caller_id vtrpc.CallerID; 2 session vtgate.Session; 3 query query.BoundQuery; 8 prepared bool" },
        { "vtgate.ExecuteResponse", "1 error vtrpc.RPCError; 2 session vtgate.Session; 3 result query.QueryResult" },
        { "vtgate.Session", "1 in_transaction bool; 2 shard_sessions vtgate.Session.ShardSession repeated; 4 autocommit bool; 5 target_string string; 6 options query.ExecuteOptions; 7 transaction_mode vtgate.TransactionMode; 8 warnings query.QueryWarning repeated; 9 pre_sessions vtgate.Session.ShardSession repeated; 10 post_sessions vtgate.Session.ShardSession repeated; 11 last_insert_id uint64; 12 found_rows uint64; 13 user_defined_variables vtgate.Session.UserDefinedVariablesEntry repeated; 14 system_variables vtgate.Session.SystemVariablesEntry repeated; 15 row_count int64; 16 savepoints string repeated; 17 in_reserved_conn bool; 18 lock_session vtgate.Session.ShardSession; 19 last_lock_heartbeat int64; 20 read_after_write vtgate.ReadAfterWrite; 21 DDLStrategy string; 22 SessionUUID string; 23 enable_system_settings bool; 24 advisory_lock vtgate.Session.AdvisoryLockEntry repeated; 25 query_timeout int64; 26 prepare_statement vtgate.Session.PrepareStatementEntry repeated; 27 migration_context string; 28 error_until_rollback bool" },
        { "vtgate.Session.ShardSession", "1 target query.Target; 2 transaction_id int64; 3 tablet_alias topodata.TabletAlias; 4 reserved_id int64; 5 read_only bool; 6 rows_affected bool" },
        { "query.BoundQuery", "1 sql string; 2 bind_variables query.BoundQuery.BindVariablesEntry repeated" },
        { "query.BindVariable", "1 type query.Type; 2 value bytes; 3 values query.Value repeated" },
        { "query.Value", "1 type query.Type; 2 value bytes" },
        { "query.QueryResult", "1 fields query.Field repeated; 2 rows_affected uint64; 3 insert_id uint64; 4 rows query.Row repeated; 6 info string; 7 session_state_changes string; 8 insert_id_changed bool" },
        { "query.Field", "1 name string; 2 type query.Type; 3 table string; 4 org_table string; 5 database string; 6 org_name string; 7 column_length uint32; 8 charset uint32; 9 decimals uint32; 10 flags uint32; 11 column_type string" },
        { "query.Row", "1 lengths sint64 repeated; 2 values bytes" },
        { "binlogdata.VEvent", "1 type binlogdata.VEventType; 2 timestamp int64; 3 gtid string; 4 statement string; 5 row_event binlogdata.RowEvent; 6 field_event binlogdata.FieldEvent; 7 vgtid binlogdata.VGtid; 8 journal binlogdata.Journal; 9 dml string; 20 current_time int64; 21 last_p_k_event binlogdata.LastPKEvent; 22 keyspace string; 23 shard string; 24 throttled bool; 25 throttled_reason string; 26 commit_parent int64; 27 sequence_number int64; 28 event_gtid string" },
        { "binlogdata.RowEvent", "1 table_name string; 2 row_changes binlogdata.RowChange repeated; 3 keyspace string; 4 shard string; 5 flags uint32; 6 is_internal_table bool" },
        { "binlogdata.RowChange", "1 before query.Row; 2 after query.Row; 3 data_columns binlogdata.RowChange.Bitmap; 4 json_partial_values binlogdata.RowChange.Bitmap" },
        { "binlogdata.RowChange.Bitmap", "1 count int64; 2 cols bytes" },
        { "binlogdata.FieldEvent", "1 table_name string; 2 fields query.Field repeated; 3 keyspace string; 4 shard string; 25 enum_set_string_values bool; 26 is_internal_table bool" },
        { "binlogdata.VGtid", "1 shard_gtids binlogdata.ShardGtid repeated" },
        { "binlogdata.ShardGtid", "1 keyspace string; 2 shard string; 3 gtid string; 4 table_p_ks binlogdata.TableLastPK repeated" },
        { "binlogdata.TableLastPK", "1 table_name string; 3 lastpk query.QueryResult" },
        { "binlogdata.LastPKEvent", "1 table_last_p_k binlogdata.TableLastPK; 2 completed bool" },
        { "binlogdata.Filter", "1 rules binlogdata.Rule repeated; 2 field_event_mode binlogdata.Filter.FieldEventMode; 3 workflow_type int64; 4 workflow_name string" },
        { "binlogdata.Rule", "1 match string; 2 filter string; 3 convert_enum_to_text binlogdata.Rule.ConvertEnumToTextEntry repeated; 4 convert_charset binlogdata.Rule.ConvertCharsetEntry repeated; 5 source_unique_key_columns string; 6 target_unique_key_columns string; 7 source_unique_key_target_columns string; 8 convert_int_to_enum binlogdata.Rule.ConvertIntToEnumEntry repeated; 9 force_unique_key string" },
        { "binlogdata.CharsetConversion", "1 from_charset string; 2 to_charset string" },
        { "binlogdata.Journal", "1 id int64; 2 migration_type binlogdata.MigrationType; 3 tables string repeated; 4 local_position string; 5 shard_gtids binlogdata.ShardGtid repeated; 6 participants binlogdata.KeyspaceShard repeated; 7 source_workflows string repeated" },
        { "binlogdata.KeyspaceShard", "1 keyspace string; 2 shard string" },
        { "binlogdata.MinimalTable", "1 name string; 2 fields query.Field repeated; 3 p_k_columns int64 repeated; 4 p_k_index_name string" },
        { "binlogdata.VStreamOptions", "1 internal_tables string repeated; 2 config_overrides binlogdata.VStreamOptions.ConfigOverridesEntry repeated; 3 tables_to_copy string repeated; 4 no_timeouts bool; 5 event_types binlogdata.VEventType repeated" },
        { "topodata.KeyRange", "1 start bytes; 2 end bytes" },
        { "topodata.TabletAlias", "1 cell string; 2 uid uint32" },
        { "vtrpc.CallerID", "1 principal string; 2 component string; 3 subcomponent string; 4 groups string repeated" },
        { "vtrpc.RPCError", "2 message string; 3 code vtrpc.Code" },
    };

    private static readonly FileDescriptor[] Files =
    [
        Vtgateservice.VtgateserviceReflection.Descriptor,
        VtgateReflection.Descriptor,
        BinlogdataReflection.Descriptor,
        Query.QueryReflection.Descriptor,
        Topodata.TopodataReflection.Descriptor,
        Vtrpc.VtrpcReflection.Descriptor,
        Vttime.VttimeReflection.Descriptor,
    ];

    private static MessageDescriptor FindMessage(string fullName)
    {
        foreach (var file in Files)
        {
            var found = file.MessageTypes.SelectMany(Flatten).FirstOrDefault(m => m.FullName == fullName);
            if (found is not null)
            {
                return found;
            }
        }

        throw new InvalidOperationException($"no message {fullName}");

        static IEnumerable<MessageDescriptor> Flatten(MessageDescriptor m) => m.NestedTypes.SelectMany(Flatten).Prepend(m);
    }

    private static string Describe(FieldDescriptor f)
    {
        var type = f.FieldType switch
        {
            FieldType.Message => f.MessageType.FullName,
            FieldType.Enum => f.EnumType.FullName,
            FieldType.SInt64 => "sint64",
            _ => f.FieldType.ToString().ToLowerInvariant(),
        };
        var repeated = f.IsRepeated || f.IsMap ? " repeated" : string.Empty;
        return $"{f.FieldNumber} {f.Name} {type}{repeated}";
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void FieldsMatchVitess(string fullName, string expected)
    {
        var message = FindMessage(fullName);
        var actual = string.Join("; ", message.Fields.InFieldNumberOrder().Select(Describe));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RowLengthsArePacked()
    {
        var lengths = Query.Row.Descriptor.FindFieldByName("lengths");
        Assert.True(lengths.IsPacked);
    }

    [Theory]
    [InlineData("Execute", false, false)]
    [InlineData("ExecuteBatch", false, false)]
    [InlineData("StreamExecute", false, true)]
    [InlineData("ExecuteMulti", false, false)]
    [InlineData("StreamExecuteMulti", false, true)]
    [InlineData("VStream", false, true)]
    [InlineData("Prepare", false, false)]
    [InlineData("CloseSession", false, false)]
    public void VitessServiceHasEveryRpc(string method, bool clientStreaming, bool serverStreaming)
    {
        var service = Assert.Single(Vtgateservice.VtgateserviceReflection.Descriptor.Services);
        Assert.Equal("vtgateservice.Vitess", service.FullName);
        var rpc = service.FindMethodByName(method);
        Assert.NotNull(rpc);
        Assert.Equal(clientStreaming, rpc.IsClientStreaming);
        Assert.Equal(serverStreaming, rpc.IsServerStreaming);
        Assert.Equal($"vtgate.{method}Request", rpc.InputType.FullName);
        Assert.Equal($"vtgate.{method}Response", rpc.OutputType.FullName);
    }

    [Fact]
    public void VitessServiceHasNoOtherRpcs() =>
        Assert.Equal(8, Vtgateservice.VtgateserviceReflection.Descriptor.Services[0].Methods.Count);

    [Fact]
    public void GeneratedStubsUseTheVitessMethodPath()
    {
        // The server base and client exist (GrpcServices=Both) and bind to /vtgateservice.Vitess/VStream.
        Assert.Equal("vtgateservice.Vitess", Vtgateservice.Vitess.Descriptor.FullName);
        Assert.True(typeof(Vtgateservice.Vitess.VitessBase).IsAbstract);
        Assert.NotNull(typeof(Vtgateservice.Vitess.VitessClient).GetMethod("VStream", [typeof(VStreamRequest), typeof(Grpc.Core.CallOptions)]));
    }

    [Theory]
    [InlineData("vtrpc.proto", "vitess.io/vitess/go/vt/proto/vtrpc", "io.vitess.proto")]
    [InlineData("vttime.proto", "vitess.io/vitess/go/vt/proto/vttime", "")]
    [InlineData("topodata.proto", "vitess.io/vitess/go/vt/proto/topodata", "io.vitess.proto")]
    [InlineData("query.proto", "vitess.io/vitess/go/vt/proto/query", "io.vitess.proto")]
    [InlineData("binlogdata.proto", "vitess.io/vitess/go/vt/proto/binlogdata", "")]
    [InlineData("vtgate.proto", "vitess.io/vitess/go/vt/proto/vtgate", "io.vitess.proto")]
    [InlineData("vtgateservice.proto", "vitess.io/vitess/go/vt/proto/vtgateservice", "io.vitess.proto.grpc")]
    public void FileOptionsMatchVitess(string file, string goPackage, string javaPackage)
    {
        var descriptor = Files.Single(f => f.Name == file);
        var options = descriptor.ToProto().Options;
        Assert.Equal(goPackage, options.GoPackage);
        Assert.Equal(javaPackage, options.HasJavaPackage ? options.JavaPackage : string.Empty);
        Assert.False(options.HasCsharpNamespace);
    }

    [Fact]
    public void ExecuteRequestReservesTheLegacyNumbers()
    {
        var proto = VtgateReflection.Descriptor.ToProto().MessageType.Single(m => m.Name == "ExecuteRequest");
        var reserved = proto.ReservedRange.SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start)).ToArray();
        Assert.Equal([4, 5, 6, 7], reserved);
    }
}
