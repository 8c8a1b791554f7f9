using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace VGate.Kafka.Cli;

/// <summary>
/// The one configuration model of <c>vgate serve</c> and the Kafka sink (docs/cli.md): defaults, then configuration
/// file(s), then environment variables <c>VGATE_Section__Key</c> (= key <c>VGate:Section:Key</c>, <c>__</c> separating
/// sections as .NET configuration does), then command-line options; a key under <c>VGate</c> that no setting of the
/// process reads is an error naming the key.
/// </summary>
public static class VGateConfiguration
{
    /// <summary>Prefix of the environment variables both processes read.</summary>
    public const string EnvironmentPrefix = "VGATE_";

    // The sink's first prefix (VGATE_KAFKA__Option), still read: VGATE_KAFKA__X is VGate:KafkaSink:X.
    private const string LegacyKafkaPrefix = "VGATE_KAFKA__";

    /// <summary>
    /// <c>VGATE_A__B=v</c> → <c>VGate:A:B = v</c> for every variable of <paramref name="environment"/> with the prefix
    /// (case-insensitive); <c>VGATE_KAFKA__X</c> → <c>VGate:KafkaSink:X</c>.
    /// </summary>
    public static Dictionary<string, string?> EnvironmentSettings(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        // Legacy names first, so VGATE_KafkaSink__X wins over VGATE_KAFKA__X when both are set.
        foreach (var legacy in new[] { true, false })
        {
            foreach (DictionaryEntry entry in environment)
            {
                if (entry.Key is not string name || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || name.Length == EnvironmentPrefix.Length)
                    continue;
                // VGate__Server__Listen is .NET's own form of VGate:Server:Listen, read by the unprefixed environment
                // source: taken here too it became the unknown key VGate:_Server:Listen and stopped vgate serve.
                if (name[EnvironmentPrefix.Length] == '_')
                    continue;
                var isLegacy = name.StartsWith(LegacyKafkaPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > LegacyKafkaPrefix.Length;
                if (isLegacy != legacy)
                    continue;
                var key = isLegacy
                    ? "KafkaSink:" + name[LegacyKafkaPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)
                    : name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
                settings["VGate:" + key] = entry.Value as string;
            }
        }
        return settings;
    }

    /// <summary>
    /// Every key under <paramref name="section"/> of <paramref name="configuration"/> that no property of
    /// <paramref name="optionTypes"/> (bound to that section) reads, and that is not under one of
    /// <paramref name="otherSections"/> (relative names of sections another process or binding reads), as full keys.
    /// </summary>
    public static IReadOnlyList<string> UnknownKeys(IConfiguration configuration, string section, IReadOnlyList<Type> optionTypes, params string[] otherSections)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(optionTypes);
        var unknown = new List<string>();
        foreach (var (key, value) in configuration.GetSection(section).AsEnumerable(makePathsRelative: true))
        {
            if (value is null)
                continue; // a section; its leaves are checked
            var path = key.Split(':');
            if (otherSections.Any(other => IsUnder(path, other.Split(':'))))
                continue;
            if (!optionTypes.Any(type => IsKnown(type, path)))
                unknown.Add(section + ":" + key);
        }
        unknown.Sort(StringComparer.OrdinalIgnoreCase);
        return unknown;
    }

    /// <summary>The one-line message for <see cref="UnknownKeys"/>.</summary>
    public static string DescribeUnknown(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count == 1
            ? $"unknown setting '{keys[0]}' (a typo? docs/cli.md lists where settings come from)"
            : $"unknown settings {string.Join(", ", keys.Select(k => $"'{k}'"))} (typos? docs/cli.md lists where settings come from)";
    }

    private static bool IsUnder(string[] path, string[] prefix) =>
        path.Length >= prefix.Length && prefix.Select((p, i) => string.Equals(p, path[i], StringComparison.OrdinalIgnoreCase)).All(b => b);

    private static bool IsKnown(Type type, ReadOnlySpan<string> path)
    {
        while (true)
        {
            if (path.Length == 0)
                return true;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (IsScalar(type))
                return false; // a key below a value
            if (DictionaryValueType(type) is { } valueType)
            {
                type = valueType;
                path = path[1..];
                continue;
            }
            if (ElementType(type) is { } elementType)
            {
                if (!int.TryParse(path[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    return false;
                type = elementType;
                path = path[1..];
                continue;
            }
            var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.GetIndexParameters().Length > 0)
                return false;
            type = property.PropertyType;
            path = path[1..];
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}
