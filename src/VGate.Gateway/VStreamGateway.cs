using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Gateway.Hub;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Protocol.Encoding;
using Vtgate;

namespace VGate.Gateway;

/// <summary>
/// The VTGate side of VStream over a static topology: resolves each request (vstream-spec §2.1), runs one stream per
/// shard through an <see cref="IShardStreamFactory"/>, and merges them into one response stream with VGTIDs, per-shard
/// contiguity, heartbeats, chunking and retries (§2.3–2.5, §2.12).
/// </summary>
/// <remarks>
/// Unless <see cref="Hub.FanOutOptions.Enabled"/> is false, the factory is wrapped in a <see cref="FanOutShardStreamFactory"/>
/// so that streams of the same shard share one binlog reader; dispose the gateway to close those readers.
/// Flags with no meaning over a static topology of plain MySQL/MariaDB sources (<c>stop_on_reshard</c>,
/// <c>include_reshard_journal_events</c>, <c>cell_preference</c>, <c>tablet_order</c>) are rejected by <see cref="RequestResolver"/> unless they hold their default.
/// <para>Memory is bounded per stream: a transaction larger than <see cref="GatewayOptions.TransactionBufferBytes"/> (or the
/// request's <c>transaction_chunk_size</c>) is sent in pieces as it arrives, holding the stream's send turn until its COMMIT.
/// Once a piece is out, the transaction is never re-sent inside the stream: if its shard fails, the VStream ends with
/// UNAVAILABLE and the client resumes from its last VGTID, getting the whole transaction exactly once (Vitess re-sends it from
/// its BEGIN inside the stream, which delivers it twice).</para>
/// </remarks>
public sealed class VStreamGateway : IVStreamGateway, IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly IShardStreamFactory _factory;
    private readonly FanOutShardStreamFactory? _fanOut;
    private readonly BinlogConnectionLimiter _limiter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly StreamStatistics _statistics = new();

    /// <summary>Creates the gateway; <paramref name="options"/> should have passed <see cref="TopologyValidator.Validate"/>.</summary>
    public VStreamGateway(GatewayOptions options, IShardStreamFactory factory, TimeProvider? timeProvider = null, ILogger<VStreamGateway>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        // Every stream the real factory opens is a binlog connection: the limiter bounds them per shard, hubs included.
        _limiter = new BinlogConnectionLimiter(factory, options.Limits ?? new LimitsOptions());
        factory = _limiter;
        if (options.FanOut?.Enabled ?? false)
            _fanOut = new FanOutShardStreamFactory(factory, options, _timeProvider, _logger);
        _factory = _fanOut ?? factory;
    }

    /// <summary>Figures over every stream this gateway ran (for tests and diagnostics).</summary>
    internal StreamStatistics Statistics => _statistics;

    /// <summary>Binlog connections open now for a shard and role (VGate:Limits:MaxBinlogConnectionsPerShard counts them).</summary>
    public int OpenBinlogConnections(string keyspace, string shard, SourceRole role) => _limiter.OpenConnections(keyspace, shard, role);

    /// <summary>The fan-out layer in front of the factory; null when <see cref="Hub.FanOutOptions.Enabled"/> is false.</summary>
    public FanOutShardStreamFactory? FanOut => _fanOut;

    /// <summary>Closes the fan-out hubs' readers; streams still running end with UNAVAILABLE.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_fanOut is not null)
            await _fanOut.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Resolution errors surface on the first <c>MoveNextAsync</c>, before any shard starts. Each response is new and owned
    /// by the caller (decoded from <see cref="StreamEncodedAsync"/>). Client cancellation ends the enumeration with
    /// <see cref="OperationCanceledException"/>.
    /// </remarks>
    public async IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var response in StreamEncodedAsync(request, cancellationToken).ConfigureAwait(false))
            yield return response.ToMessage();
    }

    /// <inheritdoc />
    /// <remarks>Resolution errors surface on the first <c>MoveNextAsync</c>, before any shard starts.</remarks>
    public async IAsyncEnumerable<EncodedVStreamResponse> StreamEncodedAsync(VStreamRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resolved = RequestResolver.Resolve(request, _options);
        using var session = new StreamSession(_options, _factory, _timeProvider, _logger, resolved, _statistics);
        await foreach (var response in session.RunAsync(cancellationToken).ConfigureAwait(false))
            yield return response;
    }
}
