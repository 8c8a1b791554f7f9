namespace VGate.Cli;

/// <summary>
/// A small, strict parser for <c>--name value</c> and <c>--flag</c> arguments. Unknown options and missing
/// values are errors with a message that names the option, so a typo never silently changes behaviour.
/// </summary>
internal sealed class CommandLineArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    private CommandLineArguments()
    {
    }

    /// <summary>Parses <paramref name="args"/>; <paramref name="flags"/> are the options that take no value.</summary>
    public static CommandLineArguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags) =>
        Parse(args, flags, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>
    /// Parses <paramref name="args"/>; <paramref name="flags"/> take no value, <paramref name="repeatable"/> may be given
    /// more than once (read them with <see cref="GetStrings"/>).
    /// </summary>
    public static CommandLineArguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags, IReadOnlySet<string> repeatable)
    {
        var result = new CommandLineArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"Unexpected argument '{arg}'.");
            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= args.Count)
                    throw new UsageException($"Option --{name} needs a value.");
                value = args[++i];
            }
            if (repeatable.Contains(name) && value is not null)
            {
                if (!result._repeated.TryGetValue(name, out var list))
                    result._repeated[name] = list = [];
                list.Add(value);
                result._values[name] = value;
                continue;
            }
            if (!result._values.TryAdd(name, value))
                throw new UsageException($"Option --{name} is given more than once.");
        }
        return result;
    }

    public string? GetString(string name)
    {
        _consumed.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>Every value of a repeatable option, in command-line order.</summary>
    public IReadOnlyList<string> GetStrings(string name)
    {
        _consumed.Add(name);
        return _repeated.TryGetValue(name, out var list) ? list : [];
    }

    public string GetRequiredString(string name) =>
        GetString(name) ?? throw new UsageException($"Option --{name} is required.");

    public bool GetFlag(string name)
    {
        _consumed.Add(name);
        return _values.ContainsKey(name);
    }

    public long? GetInt64(string name, long min, long max)
    {
        var text = GetString(name);
        if (text is null)
            return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"Option --{name} must be a whole number from {min} to {max}, not '{text}'.");
        return value;
    }

    public double? GetSeconds(string name)
    {
        var text = GetString(name);
        if (text is null)
            return null;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
            throw new UsageException($"Option --{name} must be a positive number of seconds, not '{text}'.");
        return value;
    }

    /// <summary>Throws when an option was given that the command never asked for.</summary>
    public void ThrowOnUnknown()
    {
        foreach (var name in _values.Keys)
        {
            if (!_consumed.Contains(name))
                throw new UsageException($"Unknown option --{name}.");
        }
    }
}
