using System.Collections.Frozen;
using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Vindexes;

/// <summary>
/// Builds vindexes from a VSchema definition (<c>{"type": …, "params": {…}}</c>), as Vitess's <c>CreateVindex</c>
/// does for the functional vindex types VGate implements; parameter errors are worded as Vitess words them.
/// </summary>
/// <remarks>
/// Types: every type of <see cref="VindexRegistry"/> (no parameters), <c>numeric_static_map</c> (<c>json</c> or
/// <c>json_path</c>, optional <c>fallback_type</c>), <c>region_experimental</c> (<c>region_bytes</c> 1 or 2; two columns),
/// <c>region_json</c> (<c>region_map</c>, <c>region_bytes</c>; two columns) and <c>multicol</c> (<c>column_count</c>,
/// optional <c>column_bytes</c> and <c>column_vindex</c>). Parameters a type does not read are ignored, as Vitess only
/// warns about them. Relative file paths resolve against <c>baseDirectory</c> (the VSchema file's folder).
/// </remarks>
public static class VindexFactory
{
    /// <summary>
    /// Vitess vindex types that need a lookup table or are otherwise not functional; VGate cannot compute them, so a VSchema
    /// may declare them only for tables whose primary vindex is something else.
    /// </summary>
    public static FrozenSet<string> LookupTypes { get; } = new[]
    {
        "lookup", "lookup_unique", "lookup_hash", "lookup_hash_unique", "consistent_lookup", "consistent_lookup_unique",
        "lookup_unicodeloosemd5_hash", "lookup_unicodeloosemd5_hash_unique", "lookup_hash_multi", "cfc", "null",
        "utf8cihash", "varbinary_hash", "varchar_hash", "num_ksid", "placement", "geo_experimental",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every type <see cref="Create"/> accepts, in ordinal order.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } =
    [
        .. VindexRegistry.KnownTypes
            .Concat([NumericStaticMapVindex.TypeName, RegionExperimentalVindex.TypeName, RegionJsonVindex.TypeName, MultiColVindex.TypeName])
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Builds a vindex of <paramref name="type"/> with <paramref name="parameters"/>.</summary>
    /// <exception cref="VindexDefinitionException">Unknown type, missing or bad parameter, unreadable file.</exception>
    public static IKeyspaceIdFunction Create(string type, IReadOnlyDictionary<string, string>? parameters, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        parameters ??= new Dictionary<string, string>();
        if (VindexRegistry.TryGet(type, out var simple))
            return new SingleColumnVindexFunction(simple);
        return type switch
        {
            NumericStaticMapVindex.TypeName => new SingleColumnVindexFunction(CreateNumericStaticMap(parameters, baseDirectory)),
            RegionExperimentalVindex.TypeName => CreateRegionExperimental(parameters),
            RegionJsonVindex.TypeName => CreateRegionJson(parameters, baseDirectory),
            MultiColVindex.TypeName => CreateMultiCol(parameters, baseDirectory),
            _ when LookupTypes.Contains(type) => throw new VindexDefinitionException(
                $"vindex type \"{type}\" needs a lookup table or is not a functional vindex; VGate computes only functional vindexes ({string.Join(", ", KnownTypes)})"),
            _ => throw new VindexDefinitionException(
                $"vindexType \"{type}\" not found (known types: {string.Join(", ", KnownTypes)})"),
        };
    }

    /// <summary>How many columns a vindex from <see cref="Create"/> reads (a table lists that many in its column vindex).</summary>
    public static int ColumnCount(IKeyspaceIdFunction vindex) => vindex switch
    {
        RegionExperimentalVindex or RegionJsonVindex => 2,
        MultiColVindex multi => multi.ColumnCount,
        _ => 1,
    };

    private static NumericStaticMapVindex CreateNumericStaticMap(IReadOnlyDictionary<string, string> parameters, string? baseDirectory)
    {
        var hasJson = parameters.TryGetValue("json", out var json);
        var hasPath = parameters.TryGetValue("json_path", out var path);
        if (!hasJson && !hasPath)
            throw new VindexDefinitionException("NumericStaticMap: Could not find either `json_path` or `json` params in vschema");
        if (hasJson && hasPath)
            throw new VindexDefinitionException("NumericStaticMap: Found both `json` and `json_path` params in vschema");

        FrozenDictionary<ulong, ulong> lookup;
        try
        {
            lookup = NumericStaticMapVindex.ParseLookupTable(hasJson ? System.Text.Encoding.UTF8.GetBytes(json!) : ReadFile(path!, baseDirectory, "json_path"));
        }
        catch (FormatException ex)
        {
            throw new VindexDefinitionException($"NumericStaticMap: {(hasJson ? "json" : $"json_path {path}")}: {ex.Message}", ex);
        }

        IVindex? fallback = null;
        if (parameters.TryGetValue("fallback_type", out var fallbackType))
        {
            if (Create(fallbackType, new Dictionary<string, string>(), baseDirectory) is not SingleColumnVindexFunction single)
                throw new VindexDefinitionException($"NumericStaticMap: fallback_type \"{fallbackType}\" is not a hashing vindex");
            fallback = single.Vindex;
        }

        return new NumericStaticMapVindex(lookup, fallback);
    }

    private static RegionExperimentalVindex CreateRegionExperimental(IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("region_bytes", out var regionBytes))
            throw new VindexDefinitionException("region_experimental missing region_bytes param");
        return regionBytes switch
        {
            "1" => new RegionExperimentalVindex(1),
            "2" => new RegionExperimentalVindex(2),
            _ => throw new VindexDefinitionException($"region_bits must be 1 or 2: {regionBytes}"),
        };
    }

    private static RegionJsonVindex CreateRegionJson(IReadOnlyDictionary<string, string> parameters, string? baseDirectory)
    {
        var path = parameters.GetValueOrDefault("region_map", "");
        FrozenDictionary<string, ulong> regions;
        try
        {
            regions = RegionJsonVindex.ParseRegionMap(ReadFile(path, baseDirectory, "region_map"));
        }
        catch (FormatException ex)
        {
            throw new VindexDefinitionException($"region_json: region_map {path}: {ex.Message}", ex);
        }

        var regionBytes = Atoi(parameters.GetValueOrDefault("region_bytes", ""), "region_bytes");
        if (regionBytes is not (1 or 2))
            throw new VindexDefinitionException($"region_bytes must be 1 or 2: {regionBytes}");
        return new RegionJsonVindex(regions, regionBytes);
    }

    private static MultiColVindex CreateMultiCol(IReadOnlyDictionary<string, string> parameters, string? baseDirectory)
    {
        if (!parameters.TryGetValue("column_count", out var countText))
            throw new VindexDefinitionException("number of columns not provided in the parameter 'column_count'");
        var count = Atoi(countText, "column_count");
        if (count is > 8 or < 1)
            throw new VindexDefinitionException("number of columns should be between 1 and 8 in the parameter 'column_count'");

        // column_bytes: explicit shares; the rest of the 8 bytes is split over the other columns, larger shares first.
        var bytesList = parameters.TryGetValue("column_bytes", out var bytesText) ? bytesText.Split(',') : [];
        if (bytesList.Length > count)
            throw new VindexDefinitionException("number of column bytes provided are more than column count in the parameter 'column_bytes'");
        var columnBytes = new int?[count];
        var used = 0;
        for (var i = 0; i < bytesList.Length; i++)
        {
            if (bytesList[i].Length == 0)
                continue;
            var value = Atoi(bytesList[i], "column_bytes");
            if (value < 0)
                throw new VindexDefinitionException($"column bytes must not be negative in the parameter 'column_bytes': {value}");
            columnBytes[i] = value;
            used += value;
        }

        var pending = columnBytes.Count(b => b is null);
        var remaining = 8 - used;
        if (pending > remaining)
            throw new VindexDefinitionException($"column bytes count exceeds the keyspace id length (total bytes count cannot exceed 8 bytes) in the parameter 'column_bytes' ({pending} column(s) without bytes, {remaining} byte(s) left)");
        for (var i = 0; i < count && pending > 0; i++)
        {
            if (columnBytes[i] is not null)
                continue;
            var share = (remaining + pending - 1) / pending;
            columnBytes[i] = share;
            remaining -= share;
            pending--;
        }

        var vindexList = parameters.TryGetValue("column_vindex", out var vindexText) ? vindexText.Split(',') : [];
        if (vindexList.Length > count)
            throw new VindexDefinitionException("number of vindex function provided are more than column count in the parameter 'column_vindex'");
        var subParameters = parameters.Where(p => p.Key is not ("column_count" or "column_bytes" or "column_vindex"))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var vindexes = new IVindex[count];
        for (var i = 0; i < count; i++)
        {
            var type = i < vindexList.Length && vindexList[i].Trim() is { Length: > 0 } given ? given : HashVindex.TypeName;
            var created = Create(type, subParameters, baseDirectory);
            if (created is not SingleColumnVindexFunction single || !created.IsUnique)
            {
                throw new VindexDefinitionException(
                    $"multicol vindex supports vindexes that exports hashing function, are unique and are non-lookup vindex, passed vindex '{type}' is invalid");
            }

            vindexes[i] = single.Vindex;
        }

        return new MultiColVindex(vindexes, [.. columnBytes.Select(b => b!.Value)]);
    }

    /// <summary>Go <c>strconv.Atoi</c>: optional sign and decimal digits.</summary>
    private static int Atoi(string text, string parameter)
    {
        if (!VindexIntegers.TryParseInt64(System.Text.Encoding.UTF8.GetBytes(text), out var value) || value is > int.MaxValue or < int.MinValue)
            throw new VindexDefinitionException($"strconv.Atoi: parsing \"{text}\": invalid syntax (parameter '{parameter}')");
        return (int)value;
    }

    private static byte[] ReadFile(string path, string? baseDirectory, string parameter)
    {
        if (string.IsNullOrEmpty(path))
            throw new VindexDefinitionException($"parameter '{parameter}' is missing: it names the JSON file to read");
        var full = baseDirectory is null ? Path.GetFullPath(path) : Path.GetFullPath(path, baseDirectory);
        try
        {
            return File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VindexDefinitionException($"cannot read {parameter} {full}: {ex.Message}", ex);
        }
    }
}
