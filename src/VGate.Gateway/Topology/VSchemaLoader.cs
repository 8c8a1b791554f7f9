using System.Text.Json;
using VGate.VStreamer.Filtering;
using VGate.VStreamer.Vindexes;

namespace VGate.Gateway.Topology;

/// <summary>
/// Reads Vitess VSchema JSON files (<c>vschema.Keyspace</c>, as <c>vtctldclient GetVSchema</c> prints it, or
/// <c>vschema.SrvVSchema</c> <c>{"keyspaces": {name: Keyspace}}</c>, as <c>GetSrvVSchema</c> prints it) and builds
/// each configured keyspace's <see cref="KeyspaceVindexes"/>: its functional vindexes (<see cref="VindexFactory"/>) and
/// every table's primary vindex, so key-range filters need not name a vindex.
/// </summary>
/// <remarks>
/// <para>
/// Sources, later ones winning per table: <see cref="GatewayOptions.VSchemaFile"/> (a SrvVSchema; or one keyspace's
/// VSchema when one keyspace is configured), <see cref="KeyspaceOptions.VSchemaFile"/> (one keyspace's VSchema, or a
/// SrvVSchema whose entry for the keyspace is used), then <see cref="KeyspaceOptions.Vindexes"/>.
/// </para>
/// <para>
/// Vindexes of the lookup family (<see cref="VindexFactory.LookupTypes"/>) are skipped unless a table's primary vindex
/// is one of them; any other unknown type, bad parameter or unreadable file is an error naming the file, the keyspace
/// and the vindex. Field names are accepted as protojson writes them (<c>column_vindexes</c>) or in lowerCamelCase
/// (<c>columnVindexes</c>); <c>params</c> values must be strings, as in the proto. Relative <c>json_path</c> and
/// <c>region_map</c> paths resolve against the VSchema file's folder.
/// </para>
/// </remarks>
public static class VSchemaLoader
{
    /// <summary>Builds every configured keyspace's vindexes.</summary>
    /// <exception cref="VindexDefinitionException">A file or definition is invalid; the message lists every problem.</exception>
    public static IReadOnlyDictionary<string, KeyspaceVindexes> Load(GatewayOptions options)
    {
        var result = Build(options, out var problems);
        return problems.Count == 0 ? result : throw new VindexDefinitionException(string.Join("; ", problems));
    }

    /// <summary>Every problem <see cref="Load"/> would report.</summary>
    public static IReadOnlyList<string> Validate(GatewayOptions options)
    {
        Build(options, out var problems);
        return problems;
    }

    private static Dictionary<string, KeyspaceVindexes> Build(GatewayOptions options, out List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        problems = [];
        var result = new Dictionary<string, KeyspaceVindexes>(StringComparer.Ordinal);
        Dictionary<string, KeyspaceSource>? global = null;
        if (!string.IsNullOrEmpty(options.VSchemaFile))
            global = ReadFile(options.VSchemaFile, keyspaceName: options.Keyspaces.Count == 1 ? options.Keyspaces[0].Name : null, problems);

        foreach (var keyspace in options.Keyspaces)
        {
            if (string.IsNullOrWhiteSpace(keyspace.Name))
                continue;
            var sources = new List<KeyspaceSource>();
            if (global is not null && global.TryGetValue(keyspace.Name, out var fromGlobal))
                sources.Add(fromGlobal);
            if (!string.IsNullOrEmpty(keyspace.VSchemaFile))
            {
                var own = ReadFile(keyspace.VSchemaFile, keyspace.Name, problems);
                if (own is not null)
                {
                    if (own.TryGetValue(keyspace.Name, out var entry))
                        sources.Add(entry);
                    else
                        problems.Add($"VSchema file {keyspace.VSchemaFile}: no keyspace '{keyspace.Name}' in its \"keyspaces\"");
                }
            }

            result[keyspace.Name] = BuildKeyspace(keyspace, sources, problems);
        }

        return result;
    }

    private static KeyspaceVindexes BuildKeyspace(KeyspaceOptions keyspace, List<KeyspaceSource> sources, List<string> problems)
    {
        var vindexes = new Dictionary<string, IKeyspaceIdFunction>(StringComparer.Ordinal);
        var tables = new Dictionary<string, TableVindex>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var where = $"VSchema file {source.File}: keyspace '{keyspace.Name}'";
            var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
            var declared = new Dictionary<string, IKeyspaceIdFunction>(StringComparer.Ordinal);
            foreach (var (name, definition) in source.Vindexes)
            {
                if (VindexFactory.LookupTypes.Contains(definition.Type))
                {
                    skipped[name] = definition.Type;
                    continue;
                }

                try
                {
                    declared[name] = VindexFactory.Create(definition.Type, definition.Params, Path.GetDirectoryName(Path.GetFullPath(source.File)));
                }
                catch (VindexDefinitionException ex)
                {
                    problems.Add($"{where} vindex '{name}' (type '{definition.Type}'): {ex.Message}");
                }
            }

            foreach (var (name, function) in declared)
                vindexes[name] = function;
            foreach (var (table, primary) in source.Tables)
            {
                if (primary is null)
                    continue;
                var tableWhere = $"{where} table '{table}'";
                if (skipped.TryGetValue(primary.Name, out var lookupType))
                {
                    problems.Add($"{tableWhere}: its primary vindex '{primary.Name}' is of type '{lookupType}', which needs a lookup table; VGate computes only functional vindexes ({string.Join(", ", VindexFactory.KnownTypes)})");
                    continue;
                }

                if (!declared.TryGetValue(primary.Name, out var function))
                {
                    if (!source.Vindexes.ContainsKey(primary.Name))
                        problems.Add($"{tableWhere}: column vindex '{primary.Name}' is not declared in the keyspace's \"vindexes\"");
                    continue;
                }

                if (CheckColumns(function, primary.Columns) is { } columnProblem)
                {
                    problems.Add($"{tableWhere} vindex '{primary.Name}': {columnProblem}");
                    continue;
                }

                tables[table] = primary;
            }
        }

        foreach (var (table, options) in keyspace.Vindexes)
        {
            var where = $"keyspace '{keyspace.Name}' table '{table}'";
            if (options.Columns.Count == 0)
            {
                problems.Add($"{where}: the vindex names no columns");
                continue;
            }

            try
            {
                var function = VindexFactory.Create(options.Type, options.Params);
                if (CheckColumns(function, options.Columns) is { } columnProblem)
                {
                    problems.Add($"{where} vindex type '{options.Type}': {columnProblem}");
                    continue;
                }

                // A vindex with parameters gets a name of its own, which no VSchema identifier can take.
                var name = options.Params.Count == 0 && VindexRegistry.TryGet(options.Type, out _)
                    ? options.Type
                    : $"{options.Type}:{table}";
                vindexes[name] = function;
                tables[table] = new TableVindex(name, [.. options.Columns]);
            }
            catch (VindexDefinitionException ex)
            {
                problems.Add($"{where}: vindex type '{options.Type}': {ex.Message}");
            }
        }

        return new KeyspaceVindexes(vindexes, tables);
    }

    private static string? CheckColumns(IKeyspaceIdFunction function, IReadOnlyList<string> columns)
    {
        var expected = VindexFactory.ColumnCount(function);
        return columns.Count == expected ? null : $"takes {expected} column(s), {columns.Count} given";
    }

    private sealed record VindexDefinition(string Type, Dictionary<string, string> Params);

    private sealed record KeyspaceSource(string File, Dictionary<string, VindexDefinition> Vindexes, Dictionary<string, TableVindex?> Tables);

    /// <summary>Reads a VSchema file into keyspace entries; a one-keyspace file is filed under <paramref name="keyspaceName"/>.</summary>
    private static Dictionary<string, KeyspaceSource>? ReadFile(string path, string? keyspaceName, List<string> problems)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add($"VSchema file {path}: cannot read it: {ex.Message}");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("the file must hold a JSON object (a vschema.Keyspace or a vschema.SrvVSchema)");
            var result = new Dictionary<string, KeyspaceSource>(StringComparer.Ordinal);
            if (root.TryGetProperty("keyspaces", out var keyspaces))
            {
                foreach (var keyspace in Properties(keyspaces, "keyspaces"))
                    result[keyspace.Name] = ReadKeyspace(path, keyspace.Value, $"keyspaces.{keyspace.Name}");
                return result;
            }

            if (keyspaceName is null)
            {
                problems.Add($"VSchema file {path}: it holds one keyspace's VSchema, but several keyspaces are configured: " +
                    "give it as Keyspaces[i]:VSchemaFile (--vschema KEYSPACE=FILE), or use a SrvVSchema file ({\"keyspaces\": {…}})");
                return null;
            }

            result[keyspaceName] = ReadKeyspace(path, root, "");
            return result;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            problems.Add($"VSchema file {path}: {ex.Message}");
            return null;
        }
    }

    private static KeyspaceSource ReadKeyspace(string path, JsonElement keyspace, string where)
    {
        if (keyspace.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{Where(where)} must be an object");
        var vindexes = new Dictionary<string, VindexDefinition>(StringComparer.Ordinal);
        if (TryGet(keyspace, "vindexes", "vindexes", out var vindexesElement))
        {
            foreach (var vindex in Properties(vindexesElement, Join(where, "vindexes")))
            {
                var at = Join(where, $"vindexes.{vindex.Name}");
                if (vindex.Value.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"{at} must be an object");
                var type = TryGet(vindex.Value, "type", "type", out var typeElement) ? String(typeElement, $"{at}.type") : "";
                if (type.Length == 0)
                    throw new FormatException($"{at} has no \"type\"");
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                if (TryGet(vindex.Value, "params", "params", out var paramsElement))
                {
                    foreach (var parameter in Properties(paramsElement, $"{at}.params"))
                        parameters[parameter.Name] = String(parameter.Value, $"{at}.params.{parameter.Name}");
                }

                vindexes[vindex.Name] = new VindexDefinition(type, parameters);
            }
        }

        var tables = new Dictionary<string, TableVindex?>(StringComparer.Ordinal);
        if (TryGet(keyspace, "tables", "tables", out var tablesElement))
        {
            foreach (var table in Properties(tablesElement, Join(where, "tables")))
            {
                var at = Join(where, $"tables.{table.Name}");
                if (table.Value.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"{at} must be an object");
                TableVindex? primary = null;
                if (TryGet(table.Value, "column_vindexes", "columnVindexes", out var columnVindexes))
                {
                    if (columnVindexes.ValueKind != JsonValueKind.Array)
                        throw new FormatException($"{at}.column_vindexes must be an array");
                    if (columnVindexes.GetArrayLength() > 0)
                        primary = ReadColumnVindex(columnVindexes[0], $"{at}.column_vindexes[0]");
                }

                tables[table.Name] = primary;
            }
        }

        return new KeyspaceSource(path, vindexes, tables);
    }

    private static TableVindex ReadColumnVindex(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{at} must be an object");
        var name = TryGet(element, "name", "name", out var nameElement) ? String(nameElement, $"{at}.name") : "";
        if (name.Length == 0)
            throw new FormatException($"{at} has no \"name\"");
        var columns = new List<string>();
        if (TryGet(element, "column", "column", out var column) && String(column, $"{at}.column") is { Length: > 0 } single)
            columns.Add(single);
        if (TryGet(element, "columns", "columns", out var many))
        {
            if (many.ValueKind != JsonValueKind.Array)
                throw new FormatException($"{at}.columns must be an array of strings");
            columns.AddRange(many.EnumerateArray().Select((c, i) => String(c, $"{at}.columns[{i}]")));
        }

        if (columns.Count == 0)
            throw new FormatException($"{at} names no \"column\" or \"columns\"");
        return new TableVindex(name, columns);
    }

    private static bool TryGet(JsonElement element, string protoName, string jsonName, out JsonElement value) =>
        element.TryGetProperty(protoName, out value) || element.TryGetProperty(jsonName, out value);

    private static JsonElement.ObjectEnumerator Properties(JsonElement element, string at) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject()
            : throw new FormatException($"{Where(at)} must be an object");

    private static string String(JsonElement element, string at) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new FormatException($"{at} must be a string (is {element.ValueKind.ToString().ToLowerInvariant()}: {element.GetRawText()})");

    private static string Join(string where, string name) => where.Length == 0 ? name : $"{where}.{name}";

    private static string Where(string at) => at.Length == 0 ? "the keyspace VSchema" : at;
}
