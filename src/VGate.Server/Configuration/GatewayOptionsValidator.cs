using Microsoft.Extensions.Options;
using VGate.Gateway.Topology;

namespace VGate.Server.Configuration;

/// <summary>
/// Start-up checks of the <c>VGate</c> section, so a bad configuration fails at start with a message naming the
/// setting: first its structure, then the gateway's topology validation (<see cref="TopologyValidator"/>: key-range
/// coverage, source URIs, vindex types).
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.Keyspaces.Count == 0)
            failures.Add("VGate:Keyspaces is empty: configure at least one keyspace with at least one shard and source.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < options.Keyspaces.Count; k++)
        {
            var keyspace = options.Keyspaces[k];
            var path = $"VGate:Keyspaces:{k}";
            if (string.IsNullOrWhiteSpace(keyspace.Name))
                failures.Add($"{path}:Name is empty.");
            else if (!names.Add(keyspace.Name))
                failures.Add($"{path}:Name '{keyspace.Name}' is used by more than one keyspace.");
            if (keyspace.Shards.Count == 0)
                failures.Add($"{path} ('{keyspace.Name}') has no shards (an unsharded keyspace has one shard named 0).");
            var shardNames = new HashSet<string>(StringComparer.Ordinal);
            for (var s = 0; s < keyspace.Shards.Count; s++)
            {
                var shard = keyspace.Shards[s];
                var shardPath = $"{path}:Shards:{s}";
                if (string.IsNullOrWhiteSpace(shard.Name))
                    failures.Add($"{shardPath}:Name is empty.");
                else if (!shardNames.Add(shard.Name))
                    failures.Add($"{shardPath}:Name '{shard.Name}' appears twice in keyspace '{keyspace.Name}'.");
                if (shard.Sources.Count == 0)
                    failures.Add($"{shardPath} ('{keyspace.Name}/{shard.Name}') has no sources.");
                for (var i = 0; i < shard.Sources.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(shard.Sources[i].Uri))
                        failures.Add($"{shardPath}:Sources:{i}:Uri is empty.");
                }
            }
        }
        if (options.MaxResponseBytes < 1024)
            failures.Add($"VGate:MaxResponseBytes must be at least 1024, not {options.MaxResponseBytes}.");
        if (options.MaxConsecutiveShardFailures < 1)
            failures.Add($"VGate:MaxConsecutiveShardFailures must be at least 1, not {options.MaxConsecutiveShardFailures}.");
        // The structure is there: now the topology itself (key-range coverage, URIs, passwords, vindex types).
        if (failures.Count == 0)
            failures.AddRange(TopologyValidator.Validate(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
