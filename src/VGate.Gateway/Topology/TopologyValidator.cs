using VGate.MySql.Protocol;
using VGate.VStreamer.KeyRanges;

namespace VGate.Gateway.Topology;

/// <summary>
/// Checks a <see cref="GatewayOptions"/> topology before anything streams: unique keyspaces, shard names that are key
/// ranges covering a sharded keyspace exactly once, one shard per unsharded keyspace, at least one reachable-looking
/// source per shard, and vindexes that can be built (<see cref="VSchemaLoader"/>). Every problem is reported, each naming its keyspace, shard or source.
/// </summary>
public static class TopologyValidator
{
    /// <summary>The smallest accepted <see cref="Hub.FanOutOptions.RingBytes"/>: 1 MiB.</summary>
    public const long MinimumRingBytes = 1024 * 1024;

    /// <summary>The smallest accepted <see cref="GatewayOptions.TransactionBufferBytes"/>: 64 KiB.</summary>
    public const long MinimumTransactionBufferBytes = 64 * 1024;

    /// <summary>Smallest <see cref="GatewayOptions.MaxEventBytes"/> accepted.</summary>
    public const int MinimumMaxEventBytes = 64 * 1024;

    /// <summary>Returns every problem found in <paramref name="options"/>; empty when the topology is usable.</summary>
    public static IReadOnlyList<string> Validate(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Keyspaces.Count == 0)
            problems.Add("no keyspaces are configured");
        if (options.MaxResponseBytes <= 0)
            problems.Add($"MaxResponseBytes must be positive (is {options.MaxResponseBytes})");
        if (options.TransactionBufferBytes < MinimumTransactionBufferBytes)
            problems.Add($"TransactionBufferBytes must be at least {MinimumTransactionBufferBytes} (is {options.TransactionBufferBytes})");
        if (options.MaxEventBytes is < MinimumMaxEventBytes or > VGate.MySql.Binlog.BinlogEventParser.DefaultMaxEventSize)
            problems.Add($"MaxEventBytes must be between {MinimumMaxEventBytes} and {VGate.MySql.Binlog.BinlogEventParser.DefaultMaxEventSize} (is {options.MaxEventBytes})");
        if (options.MaxConsecutiveShardFailures <= 0)
            problems.Add($"MaxConsecutiveShardFailures must be positive (is {options.MaxConsecutiveShardFailures})");
        if (options.RetryDelay < TimeSpan.Zero)
            problems.Add($"RetryDelay must not be negative (is {options.RetryDelay})");
        if (options.SkewTimeout <= TimeSpan.Zero)
            problems.Add($"SkewTimeout must be positive (is {options.SkewTimeout})");
        if (options.LivenessTimeout <= TimeSpan.Zero)
            problems.Add($"LivenessTimeout must be positive (is {options.LivenessTimeout})");
        Heartbeats.HeartbeatSettings.Validate(options, problems);
        if (options.FanOut is null)
        {
            problems.Add("FanOut must not be null");
        }
        else
        {
            if (options.FanOut.RingBytes < MinimumRingBytes)
                problems.Add($"FanOut:RingBytes must be at least {MinimumRingBytes} (is {options.FanOut.RingBytes})");
            else if (options.FanOut.ReplayBytes > options.FanOut.RingBytes)
                problems.Add($"FanOut:ReplayBytes must not exceed FanOut:RingBytes ({options.FanOut.RingBytes}) (is {options.FanOut.ReplayBytes})");
            if (options.FanOut.SharedReaderRingBytes < MinimumRingBytes)
                problems.Add($"FanOut:SharedReaderRingBytes must be at least {MinimumRingBytes} (is {options.FanOut.SharedReaderRingBytes})");
            if (options.FanOut.ReplayBytes < 0)
                problems.Add($"FanOut:ReplayBytes must not be negative (is {options.FanOut.ReplayBytes})");
            if (options.FanOut.Linger < TimeSpan.Zero)
                problems.Add($"FanOut:Linger must not be negative (is {options.FanOut.Linger})");
            if (options.FanOut.CoalesceSubscribers < 0)
                problems.Add($"FanOut:CoalesceSubscribers must not be negative (is {options.FanOut.CoalesceSubscribers}; 0 turns coalescing off)");
            if (options.FanOut.CoalesceInterval < TimeSpan.Zero || options.FanOut.CoalesceInterval > TimeSpan.FromSeconds(1))
                problems.Add($"FanOut:CoalesceInterval must be between 0 and 1 s (is {options.FanOut.CoalesceInterval})");
        }
        ValidateLimits(options.Limits, problems);
        if (options.Health is null)
        {
            problems.Add("Health must not be null");
        }
        else
        {
            if (options.Health.Interval <= TimeSpan.Zero)
                problems.Add($"Health:Interval must be positive (is {options.Health.Interval})");
            if (options.Health.Timeout <= TimeSpan.Zero)
                problems.Add($"Health:Timeout must be positive (is {options.Health.Timeout})");
            if (options.Health.MaxReplicationLag < TimeSpan.Zero)
                problems.Add($"Health:MaxReplicationLag must not be negative (is {options.Health.MaxReplicationLag})");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keyspaces.Count; i++)
        {
            var keyspace = options.Keyspaces[i];
            if (string.IsNullOrWhiteSpace(keyspace.Name))
            {
                problems.Add($"keyspace #{i}: the name is empty");
                continue;
            }
            if (!names.Add(keyspace.Name))
                problems.Add($"keyspace '{keyspace.Name}': the name is used more than once");
            ValidateKeyspace(keyspace, problems);
        }

        problems.AddRange(VSchemaLoader.Validate(options));
        return problems;
    }

    /// <summary>Throws when <see cref="Validate"/> finds problems; the message lists them all.</summary>
    /// <exception cref="ArgumentException">The topology is invalid.</exception>
    public static void ThrowIfInvalid(GatewayOptions options)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
            throw new ArgumentException("invalid gateway topology: " + string.Join("; ", problems), nameof(options));
    }

    /// <summary>
    /// The connection options of <paramref name="source"/>: its URI parsed, with the password taken from
    /// <see cref="SourceOptions.PasswordEnvironmentVariable"/> when that is set.
    /// </summary>
    /// <exception cref="FormatException">The URI is malformed, or the password variable is not set.</exception>
    public static MySqlConnectionOptions ResolveConnection(SourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var connection = MySqlConnectionOptions.Parse(source.Uri);
        if (!string.IsNullOrEmpty(source.PasswordEnvironmentVariable))
        {
            connection.Password = Environment.GetEnvironmentVariable(source.PasswordEnvironmentVariable)
                ?? throw new FormatException($"the password environment variable '{source.PasswordEnvironmentVariable}' is not set");
        }
        return connection;
    }

    /// <summary>The name a source goes by in logs, metrics and exclusion lists: its Name, else host:port.</summary>
    public static string SourceName(SourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!string.IsNullOrEmpty(source.Name))
            return source.Name;
        try
        {
            return MySqlConnectionOptions.Parse(source.Uri).Endpoint;
        }
        catch (FormatException)
        {
            // An unparsable URI may hold a password anywhere before its last '@'; the name ends up in logs and metric labels.
            return MySqlConnectionOptions.Redact(source.Uri);
        }
    }

    private static void ValidateKeyspace(KeyspaceOptions keyspace, List<string> problems)
    {
        var where = $"keyspace '{keyspace.Name}'";
        if (keyspace.Shards.Count == 0)
        {
            problems.Add($"{where}: no shards are configured");
        }
        else if (!keyspace.Sharded && keyspace.Shards.Count != 1)
        {
            problems.Add($"{where}: an unsharded keyspace must have exactly one shard (has {keyspace.Shards.Count}: " +
                $"{string.Join(", ", keyspace.Shards.Select(s => s.Name))})");
        }

        var shardNames = new HashSet<string>(StringComparer.Ordinal);
        var ranges = new List<KeyRange>();
        var allParsed = true;
        foreach (var shard in keyspace.Shards)
        {
            var shardWhere = $"{where} shard '{shard.Name}'";
            if (!shardNames.Add(shard.Name))
                problems.Add($"{shardWhere}: the name is used more than once");
            if (KeyRange.TryParse(shard.Name, out var range))
            {
                ranges.Add(range);
            }
            else
            {
                allParsed = false;
                problems.Add($"{shardWhere}: the name is not a key range (use -80, 80-, 40-80, 0 or -)");
            }

            if (shard.Sources.Count == 0)
                problems.Add($"{shardWhere}: no sources are configured");
            for (var i = 0; i < shard.Sources.Count; i++)
            {
                var source = shard.Sources[i];
                var sourceWhere = $"{shardWhere} source #{i}" + (string.IsNullOrEmpty(source.Name) ? "" : $" ('{source.Name}')");
                if (!Enum.IsDefined(source.Role))
                    problems.Add($"{sourceWhere}: unknown role {source.Role}");
                if (source.Cell is { } cell && (cell.Length == 0 || cell.Contains(',', StringComparison.Ordinal) || cell.Trim() != cell))
                    problems.Add($"{sourceWhere}: cell '{cell}' must be a non-empty name without commas or surrounding spaces");
                try
                {
                    ResolveConnection(source);
                }
                catch (FormatException ex)
                {
                    problems.Add($"{sourceWhere}: {ex.Message}");
                }
            }
        }

        if (keyspace.Sharded && allParsed && ranges.Count > 0 && KeyRangeCoverage.FindFirstIssue(ranges) is { } issue)
            problems.Add($"{where}: the shards do not cover the key space exactly once: {issue.Message}");
    }

    private static void ValidateLimits(LimitsOptions? limits, List<string> problems)
    {
        if (limits is null)
        {
            problems.Add("Limits must not be null");
            return;
        }
        Check(limits.MaxStreams, "MaxStreams");
        Check(limits.MaxStreamsPerUser, "MaxStreamsPerUser");
        Check(limits.MaxFilterRules, "MaxFilterRules");
        Check(limits.MaxFilterRegexRules, "MaxFilterRegexRules");
        Check(limits.MaxRequestBytes, "MaxRequestBytes");
        Check(limits.MaxBinlogConnectionsPerShard, "MaxBinlogConnectionsPerShard");
        Check(limits.MaxEventBytes, "MaxEventBytes");
        if (!Enum.IsDefined(limits.OversizeEvents))
            problems.Add($"Limits:OversizeEvents must be Fail, Skip or Send (is {limits.OversizeEvents})");

        void Check(int value, string name)
        {
            if (value < 0)
                problems.Add($"Limits:{name} must not be negative (is {value}; 0 means no limit)");
        }
    }
}
