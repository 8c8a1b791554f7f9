using System.Text;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Vindexes;
using FilterVindexValue = VGate.VStreamer.Filtering.VindexValue;

namespace VGate.VStreamer.Tests.Vindexes;

/// <summary>
/// The vindexes with parameters or several columns, built as a VSchema declares them (<see cref="VindexFactory"/>), on
/// Vitess's own test tables (go/vt/vtgate/vindexes/*_test.go, cited per test) and on values computed from their
/// definitions with Vitess's <c>hash</c> vectors (hash_test.go: 1 → 166b40b44aba4bd6, 2 → 06e7ea22ce92708f).
/// </summary>
public sealed class ParameterizedVindexTests : IDisposable
{
    private const string Hash1 = "166b40b44aba4bd6";
    private const string Hash2 = "06e7ea22ce92708f";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vgate-vindex-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    // Vitess TestReverseBitsMap (reverse_bits_test.go): 1 → "\x80…", 2 → "@…", 3 → "\xc0…", NULL → none, 4 → " …", 5 → "\xa0…", 6 → "`…".
    [Theory]
    [InlineData("1", "8000000000000000")]
    [InlineData("2", "4000000000000000")]
    [InlineData("3", "c000000000000000")]
    [InlineData(null, null)]
    [InlineData("4", "2000000000000000")]
    [InlineData("5", "a000000000000000")]
    [InlineData("6", "6000000000000000")]
    [InlineData("18446744073709551615", "ffffffffffffffff")]
    [InlineData("-1", null)] // ToUint64 refuses negative numbers
    [InlineData("aa", null)] // "could not parse value: 'aa'"
    public void ReverseBits_VitessTable(string? value, string? expected) =>
        Assert.Equal(expected, Map(VindexFactory.Create("reverse_bits", null), Signed(value)));

    // Vitess TestReverseBitsReverseMap / TestReverseBitsReverseMapNeg.
    [Fact]
    public void ReverseBits_ReverseMap()
    {
        Assert.True(ReverseBitsVindex.TryUnreverse(Convert.FromHexString("8000000000000000"), out var id));
        Assert.Equal(1UL, id);
        Assert.False(ReverseBitsVindex.TryUnreverse(Convert.FromHexString("80000000000000008000000000000000"), out _));
    }

    // Vitess TestNumericStaticMapMap (numeric_static_map_test.go) over testdata/numeric_static_map_test.json
    // {"1": 1, "3": 2}: 1 → 1, 2 → 2, 3 → 2 (mapped), 1.1 → none, 4…8 → themselves, NULL → none.
    [Theory]
    [InlineData("1", "0000000000000001")]
    [InlineData("2", "0000000000000002")]
    [InlineData("3", "0000000000000002")]
    [InlineData("1.1", null)]
    [InlineData("4", "0000000000000004")]
    [InlineData("5", "0000000000000005")]
    [InlineData("6", "0000000000000006")]
    [InlineData("7", "0000000000000007")]
    [InlineData("8", "0000000000000008")]
    [InlineData(null, null)]
    public void NumericStaticMap_VitessTable(string? value, string? expected)
    {
        var path = Write("numeric_static_map_test.json", "{\n\t\"1\": 1,\n\t\"3\": 2\n}\n");
        var fromFile = VindexFactory.Create("numeric_static_map", new Dictionary<string, string> { ["json_path"] = path });
        var inline = VindexFactory.Create("numeric_static_map", new Dictionary<string, string> { ["json"] = """{"1": 1, "3": 2}""" });

        var input = value == "1.1" ? Bytes(value) : Signed(value);
        Assert.Equal(expected, Map(fromFile, input));
        Assert.Equal(expected, Map(inline, input));
    }

    // fallback_type: an unlisted id goes through that vindex (numeric_static_map.go Hash: vind.hashVdx.Hash(id)).
    [Theory]
    [InlineData("1", "0000000000000009")] // listed
    [InlineData("2", Hash2)] // unlisted: hash(2)
    [InlineData("x", null)] // ToUint64 fails before any lookup
    public void NumericStaticMap_FallbackType(string value, string? expected)
    {
        var vindex = VindexFactory.Create("numeric_static_map", new Dictionary<string, string>
        {
            ["json"] = """{"1": 9}""",
            ["fallback_type"] = "hash",
        });

        Assert.Equal(expected, Map(vindex, value == "x" ? Bytes(value) : Signed(value)));
    }

    [Theory]
    [InlineData(null, null, "NumericStaticMap: Could not find either `json_path` or `json` params in vschema")]
    [InlineData("{}", "x.json", "NumericStaticMap: Found both `json` and `json_path` params in vschema")]
    [InlineData("""{"a": 1}""", null, "key \"a\" is not an unsigned decimal integer")]
    [InlineData("""{"1": -1}""", null, "the value of \"1\" must be an integer")]
    [InlineData("""{"1": 1""", null, "NumericStaticMap: json: ")]
    [InlineData("[1]", null, "must be a JSON object")]
    public void NumericStaticMap_BadParams(string? json, string? jsonPath, string message)
    {
        var parameters = new Dictionary<string, string>();
        if (json is not null)
            parameters["json"] = json;
        if (jsonPath is not null)
            parameters["json_path"] = jsonPath;

        var ex = Assert.Throws<VindexDefinitionException>(() => VindexFactory.Create("numeric_static_map", parameters));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NumericStaticMap_MissingFileAndBadFallback()
    {
        var missing = Assert.Throws<VindexDefinitionException>(() =>
            VindexFactory.Create("numeric_static_map", new Dictionary<string, string> { ["json_path"] = "no-such.json" }, _directory));
        Assert.Contains(Path.Combine(_directory, "no-such.json"), missing.Message, StringComparison.Ordinal);

        var fallback = Assert.Throws<VindexDefinitionException>(() =>
            VindexFactory.Create("numeric_static_map", new Dictionary<string, string> { ["json"] = "{}", ["fallback_type"] = "nope" }));
        Assert.Contains("vindexType \"nope\" not found", fallback.Message, StringComparison.Ordinal);
    }

    // Vitess TestRegionExperimentalMap (region_experimental_test.go), region_bytes 1.
    [Theory]
    [InlineData("1", "1", "01" + Hash1)]
    [InlineData("255", "1", "ff" + Hash1)]
    [InlineData("256", "1", "00" + Hash1)]
    [InlineData("1", null, null)] // one column: a key range in Vitess, no keyspace id
    [InlineData("abcd", "256", null)] // invalid region
    [InlineData("1", "abcd", null)] // invalid id
    public void RegionExperimental_OneByte_VitessTable(string region, string? id, string? expected)
    {
        var vindex = VindexFactory.Create("region_experimental", new Dictionary<string, string> { ["region_bytes"] = "1", ["table"] = "t", ["from"] = "f1,f2", ["to"] = "toc" });
        FilterVindexValue[] values = id is null ? [Text(region)] : [Text(region), Text(id)];

        Assert.Equal(expected, Map(vindex, values));
    }

    // Vitess TestRegionExperimentalMapMulti2, region_bytes 2.
    [Theory]
    [InlineData("1", "0001" + Hash1)]
    [InlineData("255", "00ff" + Hash1)]
    [InlineData("256", "0100" + Hash1)]
    [InlineData("65536", "0000" + Hash1)]
    public void RegionExperimental_TwoBytes_VitessTable(string region, string expected)
    {
        var vindex = VindexFactory.Create("region_experimental", new Dictionary<string, string> { ["region_bytes"] = "2" });

        Assert.Equal(expected, Map(vindex, [Text(region), Text("1")]));
    }

    // Vitess TestRegionExperimentalCreateErrors.
    [Fact]
    public void RegionExperimental_CreateErrors()
    {
        Assert.Equal("region_bits must be 1 or 2: 3", Assert.Throws<VindexDefinitionException>(() =>
            VindexFactory.Create("region_experimental", new Dictionary<string, string> { ["region_bytes"] = "3" })).Message);
        Assert.Equal("region_experimental missing region_bytes param", Assert.Throws<VindexDefinitionException>(() =>
            VindexFactory.Create("region_experimental", null)).Message);
        Assert.Equal(2, VindexFactory.ColumnCount(VindexFactory.Create("region_experimental", new Dictionary<string, string> { ["region_bytes"] = "1" })));
    }

    // region_json.go Map: row[0] is hashed, row[1] looked up in the region map.
    [Theory]
    [InlineData("1", "US", "1", "01" + Hash1)]
    [InlineData("2", "DE", "2", "0102" + Hash2)]
    [InlineData("1", "FR", "1", null)] // not in the map
    [InlineData("x", "US", "1", null)] // id not an integer
    public void RegionJson_Map(string id, string country, string regionBytes, string? expected)
    {
        var path = Write("regions.json", """{"US": 1, "DE": 258}""");
        var vindex = VindexFactory.Create("region_json", new Dictionary<string, string> { ["region_map"] = "regions.json", ["region_bytes"] = regionBytes }, Path.GetDirectoryName(path));

        Assert.Equal(expected, Map(vindex, [Text(id), Text(country)]));
    }

    [Fact]
    public void RegionJson_CreateErrors()
    {
        var path = Write("regions.json", """{"US": 1}""");
        Assert.Equal("region_bytes must be 1 or 2: 3", Assert.Throws<VindexDefinitionException>(() =>
            VindexFactory.Create("region_json", new Dictionary<string, string> { ["region_map"] = path, ["region_bytes"] = "3" })).Message);
        Assert.Contains("region_map", Assert.Throws<VindexDefinitionException>(() =>
            VindexFactory.Create("region_json", new Dictionary<string, string> { ["region_bytes"] = "1" })).Message, StringComparison.Ordinal);
    }

    // Vitess TestMultiColMap (multicol_test.go), column_count 3 (bytes 3,3,2, all hash).
    [Theory]
    [InlineData(new[] { "1", "1", "1" }, "166b40166b40166b")]
    [InlineData(new[] { "255", "1", "1" }, "254e88166b40166b")]
    [InlineData(new[] { "256", "1", "1" }, "dd7c0b166b40166b")]
    [InlineData(new[] { "1" }, null)] // partial: a key range in Vitess
    [InlineData(new[] { "1", "1" }, null)]
    [InlineData(new[] { "abcd", "256", "256" }, null)]
    [InlineData(new[] { "256", "256", "abcd" }, null)]
    public void MultiCol_VitessTable(string[] values, string? expected)
    {
        var vindex = VindexFactory.Create("multicol", new Dictionary<string, string> { ["column_count"] = "3" });

        Assert.Equal(expected, Map(vindex, [.. values.Select(Text)]));
        Assert.Equal(3, VindexFactory.ColumnCount(vindex));
    }

    // column_bytes and column_vindex, computed from multicol.go mapKsid with the numeric and hash vectors.
    [Theory]
    [InlineData("2", "1,3", "", "16" + "166b40")] // 1 + 3 bytes: hash(1)[0], hash(1)[0..3]
    [InlineData("2", "", "numeric,hash", "00000000" + "166b40b4")] // default 4 + 4
    [InlineData("3", ",2", "numeric", "000000" + "166b" + "166b40")] // 3 (ceil 6/2), 2, 3
    [InlineData("2", "5,3", "reverse_bits,numeric", "8000000000" + "000000")]
    public void MultiCol_ColumnBytesAndVindexes(string count, string bytes, string vindexes, string expected)
    {
        var parameters = new Dictionary<string, string> { ["column_count"] = count };
        if (bytes.Length > 0)
            parameters["column_bytes"] = bytes;
        if (vindexes.Length > 0)
            parameters["column_vindex"] = vindexes;
        var vindex = VindexFactory.Create("multicol", parameters);

        Assert.Equal(expected, Map(vindex, [.. Enumerable.Repeat("1", int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)).Select(Text)]));
    }

    [Theory]
    [InlineData(null, null, null, "number of columns not provided in the parameter 'column_count'")]
    [InlineData("9", null, null, "number of columns should be between 1 and 8 in the parameter 'column_count'")]
    [InlineData("two", null, null, "strconv.Atoi: parsing \"two\"")]
    [InlineData("2", "1,2,3", null, "number of column bytes provided are more than column count in the parameter 'column_bytes'")]
    [InlineData("2", "5,5", null, "column bytes count exceeds the keyspace id length")]
    [InlineData("3", "7", null, "column bytes count exceeds the keyspace id length (total bytes count cannot exceed 8 bytes) in the parameter 'column_bytes'")]
    [InlineData("2", null, "hash,hash,hash", "number of vindex function provided are more than column count in the parameter 'column_vindex'")]
    [InlineData("2", null, "region_experimental", "passed vindex 'region_experimental' is invalid")]
    [InlineData("2", null, "consistent_lookup", "needs a lookup table")]
    public void MultiCol_CreateErrors(string? count, string? bytes, string? vindexes, string message)
    {
        var parameters = new Dictionary<string, string> { ["region_bytes"] = "1" };
        if (count is not null)
            parameters["column_count"] = count;
        if (bytes is not null)
            parameters["column_bytes"] = bytes;
        if (vindexes is not null)
            parameters["column_vindex"] = vindexes;

        var ex = Assert.Throws<VindexDefinitionException>(() => VindexFactory.Create("multicol", parameters));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownAndLookupTypes_SayWhy()
    {
        var unknown = Assert.Throws<VindexDefinitionException>(() => VindexFactory.Create("hsah", null));
        Assert.StartsWith("vindexType \"hsah\" not found (known types: binary, binary_md5, hash, multicol, numeric, numeric_static_map, region_experimental, region_json, reverse_bits, ", unknown.Message, StringComparison.Ordinal);
        var lookup = Assert.Throws<VindexDefinitionException>(() => VindexFactory.Create("lookup_unique", null));
        Assert.Contains("needs a lookup table", lookup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnicodeLoose_InvalidUtf8InAFilter_IsAFilterError()
    {
        var vindex = VindexFactory.Create("unicode_loose_md5", null);
        FilterVindexValue[] values = [new(ColumnKind.Binary, new byte[] { 0x61, 0xff }, isNull: false)];

        var ex = Assert.Throws<VStreamFilterException>(() => vindex.TryMap(values, out _));
        Assert.StartsWith("Cannot normalize string containing invalid UTF-8: 61ff", ex.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>An integer column's value (UNSIGNED above 2^63−1); null is SQL NULL.</summary>
    private static FilterVindexValue Signed(string? text) => text switch
    {
        null => new FilterVindexValue(ColumnKind.SignedInteger, default, isNull: true),
        _ when !long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _) && ulong.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _) =>
            new FilterVindexValue(ColumnKind.UnsignedInteger, Encoding.UTF8.GetBytes(text), isNull: false),
        _ => new FilterVindexValue(ColumnKind.SignedInteger, Encoding.UTF8.GetBytes(text), isNull: false),
    };

    private static FilterVindexValue Bytes(string text) => new(ColumnKind.Binary, Encoding.UTF8.GetBytes(text), isNull: false);

    private static FilterVindexValue Text(string text) =>
        long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? new FilterVindexValue(ColumnKind.SignedInteger, Encoding.UTF8.GetBytes(text), isNull: false)
            : Bytes(text);

    private static string? Map(IKeyspaceIdFunction vindex, params FilterVindexValue[] values) =>
        vindex.TryMap(values, out var keyspaceId) ? Convert.ToHexStringLower(keyspaceId) : null;
}
