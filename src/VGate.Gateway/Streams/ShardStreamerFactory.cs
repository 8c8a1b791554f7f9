using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Gateway.Topology;
using VGate.VStreamer;
using VGate.VStreamer.Filtering;

namespace VGate.Gateway.Streams;

/// <summary>
/// The real <see cref="IShardStreamFactory"/>: picks a source of the requested role from the topology (skipping excluded
/// ones, preferring ones that have not failed, in configuration order) and runs a <see cref="ShardStreamer"/> on it.
/// </summary>
public sealed class ShardStreamerFactory : IShardStreamFactory
{
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the factory over a validated topology.</summary>
    public ShardStreamerFactory(GatewayOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <inheritdoc />
    public OpenedShardStream Open(ShardStreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keyspace = _options.Keyspaces.FirstOrDefault(k => k.Name == request.Keyspace)
            ?? throw VStreamException.InvalidArgument($"unknown keyspace '{request.Keyspace}'");
        var shard = keyspace.Shards.FirstOrDefault(s => s.Name == request.Shard)
            ?? throw VStreamException.InvalidArgument($"unknown shard '{request.Shard}' in keyspace '{request.Keyspace}'");

        var candidates = shard.Sources
            .Where(s => s.Role == request.Role && !request.ExcludedSources.Contains(TopologyValidator.SourceName(s)))
            .OrderBy(s => request.FailedSources.Contains(TopologyValidator.SourceName(s)) ? 1 : 0)
            .ToList();
        if (candidates.Count == 0)
        {
            throw VStreamException.Unavailable(
                $"{request.Keyspace}/{request.Shard}: no {request.Role} source left" +
                (request.ExcludedSources.Count > 0 ? $" (excluded: {string.Join(", ", request.ExcludedSources)})" : ""));
        }

        var source = candidates[0];
        var name = TopologyValidator.SourceName(source);
        var connection = TopologyValidator.ResolveConnection(source);
        var streamer = new ShardStreamer(
            new ShardStreamerOptions
            {
                Keyspace = keyspace.Name,
                Shard = shard.Name,
                Source = connection,
                Database = keyspace.Database ?? keyspace.Name,
                Position = request.Position,
                Filter = request.Filter,
                PrimaryVindexes = keyspace.Vindexes.ToDictionary(
                    kv => kv.Key, kv => new TableVindex(kv.Value.Type, kv.Value.Columns), StringComparer.Ordinal),
                TablePKs = request.TablePKs,
                TablesToCopy = request.TablesToCopy,
                TimeProvider = _timeProvider,
            },
            _loggerFactory.CreateLogger<ShardStreamer>());
        return new OpenedShardStream(name, streamer.StreamAsync());
    }
}
