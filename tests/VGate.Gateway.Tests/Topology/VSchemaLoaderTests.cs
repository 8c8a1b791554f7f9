using System.Text;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Vindexes;

namespace VGate.Gateway.Tests.Topology;

/// <summary>
/// Vitess VSchema JSON files (one keyspace's <c>vschema.Keyspace</c> or a <c>vschema.SrvVSchema</c>) loaded into each
/// keyspace's declared vindexes and tables' primary vindexes, and the errors for bad ones.
/// </summary>
public sealed class VSchemaLoaderTests : IDisposable
{
    // A VSchema in the shape of Vitess's own examples (examples/local/vschema_customer_sharded.json) plus a
    // region_experimental table and a lookup vindex that only a secondary column uses.
    private const string CustomerVSchema = """
        {
          "sharded": true,
          "vindexes": {
            "hash": {"type": "hash"},
            "region_vdx": {"type": "region_experimental", "params": {"region_bytes": "1"}},
            "corder_keyspace_idx": {"type": "consistent_lookup_unique", "params": {"table": "customer.corder_keyspace_idx", "from": "corder_id", "to": "keyspace_id"}, "owner": "corder"}
          },
          "tables": {
            "customer": {"column_vindexes": [{"column": "customer_id", "name": "hash"}], "auto_increment": {"column": "customer_id", "sequence": "customer_seq"}},
            "corder": {"column_vindexes": [{"column": "customer_id", "name": "hash"}, {"column": "corder_id", "name": "corder_keyspace_idx"}]},
            "geo": {"columnVindexes": [{"columns": ["region", "id"], "name": "region_vdx"}]},
            "corder_keyspace_idx": {"column_vindexes": [{"column": "corder_id", "name": "hash"}]},
            "seq": {"type": "sequence"}
          }
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vgate-vschema-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Load_KeyspaceFile_PrimaryVindexesAndDeclaredVindexes()
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].VSchemaFile = Write("customer.json", CustomerVSchema);

        var vindexes = VSchemaLoader.Load(options)["ks"];

        Assert.Equal(new TableVindex("hash", ["customer_id"]), vindexes.Tables["customer"], TableVindexComparer.Instance);
        Assert.Equal(new TableVindex("hash", ["customer_id"]), vindexes.Tables["corder"], TableVindexComparer.Instance);
        Assert.Equal(new TableVindex("region_vdx", ["region", "id"]), vindexes.Tables["geo"], TableVindexComparer.Instance);
        Assert.False(vindexes.Tables.ContainsKey("seq"));
        Assert.Equal(["hash", "region_vdx"], vindexes.Vindexes.Keys.Order(StringComparer.Ordinal));
        // region_experimental: [region] + hash(id); hash(1) = 166b40b44aba4bd6 (Vitess hash_test.go).
        Assert.True(vindexes.Vindexes["region_vdx"].TryMap(
            [Value(ColumnKind.SignedInteger, "7"), Value(ColumnKind.SignedInteger, "1")], out var keyspaceId));
        Assert.Equal("07166b40b44aba4bd6", Convert.ToHexStringLower(keyspaceId));
    }

    [Fact]
    public void Load_SrvVSchema_EachKeyspaceGetsItsEntry()
    {
        var options = TestTopology.Create();
        options.VSchemaFile = Write("srv.json",
            """{"keyspaces": {"ks": """ + CustomerVSchema + """, "uks": {"tables": {"t": {}}}, "not_served": {"vindexes": {"x": {"type": "hsah"}}}}, "routing_rules": {}}""");

        var loaded = VSchemaLoader.Load(options);

        Assert.Equal(["corder", "corder_keyspace_idx", "customer", "geo"], loaded["ks"].Tables.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(loaded["uks"].Tables);
        Assert.Empty(loaded["other"].Tables);
        Assert.False(loaded.ContainsKey("not_served"));
    }

    [Fact]
    public void Load_ConfigVindexesWinOverTheFile()
    {
        var options = TestTopology.Create();
        options.Keyspaces[0].VSchemaFile = Write("customer.json", CustomerVSchema);
        options.Keyspaces[0].Vindexes["customer"] = new VindexOptions { Type = "reverse_bits", Columns = ["customer_id"] };
        options.Keyspaces[0].Vindexes["geo"] = new VindexOptions { Type = "region_experimental", Columns = ["r", "i"], Params = new() { ["region_bytes"] = "2" } };

        var vindexes = VSchemaLoader.Load(options)["ks"];

        Assert.Equal(new TableVindex("reverse_bits", ["customer_id"]), vindexes.Tables["customer"], TableVindexComparer.Instance);
        Assert.Equal(new TableVindex("region_experimental:geo", ["r", "i"]), vindexes.Tables["geo"], TableVindexComparer.Instance);
        Assert.True(vindexes.Vindexes["region_experimental:geo"].TryMap(
            [Value(ColumnKind.SignedInteger, "7"), Value(ColumnKind.SignedInteger, "1")], out var keyspaceId));
        Assert.Equal("0007166b40b44aba4bd6", Convert.ToHexStringLower(keyspaceId));
    }

    [Fact]
    public void Load_RelativeJsonPath_ReadFromTheVSchemaFolder()
    {
        Write("map.json", """{"5": 1}""");
        var options = TestTopology.Create();
        options.Keyspaces[0].VSchemaFile = Write("ks.json", """
            {"vindexes": {"nsm": {"type": "numeric_static_map", "params": {"json_path": "map.json"}}},
             "tables": {"t": {"column_vindexes": [{"column": "id", "name": "nsm"}]}}}
            """);

        var vindex = VSchemaLoader.Load(options)["ks"].Vindexes["nsm"];

        Assert.True(vindex.TryMap([Value(ColumnKind.SignedInteger, "5")], out var keyspaceId));
        Assert.Equal("0000000000000001", Convert.ToHexStringLower(keyspaceId));
    }

    [Theory]
    [InlineData("""{"vindexes": {"v": {"type": "hsah"}}}""", "keyspace 'ks' vindex 'v' (type 'hsah'): vindexType \"hsah\" not found (known types: ")]
    [InlineData("""{"vindexes": {"r": {"type": "region_experimental", "params": {"region_bytes": "3"}}}}""", "keyspace 'ks' vindex 'r' (type 'region_experimental'): region_bits must be 1 or 2: 3")]
    [InlineData("""{"vindexes": {"r": {"type": "region_experimental", "params": {"region_bytes": 1}}}}""", "vindexes.r.params.region_bytes must be a string (is number: 1)")]
    [InlineData("""{"vindexes": {"n": {"type": "numeric_static_map", "params": {"json_path": "missing.json"}}}}""", "keyspace 'ks' vindex 'n' (type 'numeric_static_map'): cannot read json_path ")]
    [InlineData("""{"vindexes": {"l": {"type": "lookup_unique"}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "l"}]}}}""", "keyspace 'ks' table 't': its primary vindex 'l' is of type 'lookup_unique', which needs a lookup table")]
    [InlineData("""{"tables": {"t": {"column_vindexes": [{"column": "id", "name": "nope"}]}}}""", "keyspace 'ks' table 't': column vindex 'nope' is not declared in the keyspace's \"vindexes\"")]
    [InlineData("""{"vindexes": {"r": {"type": "region_experimental", "params": {"region_bytes": "1"}}}, "tables": {"t": {"column_vindexes": [{"column": "id", "name": "r"}]}}}""", "keyspace 'ks' table 't' vindex 'r': takes 2 column(s), 1 given")]
    [InlineData("""{"tables": {"t": {"column_vindexes": [{"name": "hash"}]}}}""", "tables.t.column_vindexes[0] names no \"column\" or \"columns\"")]
    [InlineData("""{"vindexes": {"v": {}}}""", "vindexes.v has no \"type\"")]
    [InlineData("""[]""", "the file must hold a JSON object")]
    [InlineData("""{"vindexes": """, "VSchema file ")]
    public void Validate_BadFile_NamesFileKeyspaceAndVindex(string json, string expected)
    {
        var options = TestTopology.Create();
        var path = Write("bad.json", json);
        options.Keyspaces[0].VSchemaFile = path;

        var problem = Assert.Single(VSchemaLoader.Validate(options));

        Assert.StartsWith($"VSchema file {path}: ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains(problem, Assert.Throws<VindexDefinitionException>(() => VSchemaLoader.Load(options)).Message, StringComparison.Ordinal);
        Assert.Contains(problem, TopologyValidator.Validate(options));
    }

    [Fact]
    public void Validate_OneKeyspaceFileForSeveralKeyspaces_SaysHowToNameIt()
    {
        var options = TestTopology.Create();
        options.VSchemaFile = Write("customer.json", CustomerVSchema);

        var problem = Assert.Single(VSchemaLoader.Validate(options));

        Assert.Contains("holds one keyspace's VSchema, but several keyspaces are configured", problem, StringComparison.Ordinal);
        Assert.Contains("--vschema KEYSPACE=FILE", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFileOrKeyspace_Reported()
    {
        var options = TestTopology.Create();
        options.Keyspaces[1].VSchemaFile = Path.Combine(_directory, "absent.json");
        options.Keyspaces[2].VSchemaFile = Write("srv.json", """{"keyspaces": {"ks": {}}}""");

        var problems = VSchemaLoader.Validate(options);

        Assert.Contains(problems, p => p.StartsWith($"VSchema file {Path.Combine(_directory, "absent.json")}: cannot read it", StringComparison.Ordinal));
        Assert.Contains($"VSchema file {Path.Combine(_directory, "srv.json")}: no keyspace 'other' in its \"keyspaces\"", problems);
    }

    private string Write(string name, string text)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static VGate.VStreamer.Filtering.VindexValue Value(ColumnKind kind, string text) => new(kind, Encoding.UTF8.GetBytes(text), isNull: false);

    private sealed class TableVindexComparer : IEqualityComparer<TableVindex>
    {
        public static TableVindexComparer Instance { get; } = new();

        public bool Equals(TableVindex? x, TableVindex? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Columns.SequenceEqual(y.Columns);

        public int GetHashCode(TableVindex obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
