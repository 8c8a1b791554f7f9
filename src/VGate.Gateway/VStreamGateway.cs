using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using Vtgate;

namespace VGate.Gateway;

/// <summary>
/// The VTGate side of VStream over a static topology: resolves each request (vstream-spec §2.1), runs one stream per
/// shard through an <see cref="IShardStreamFactory"/>, and merges them into one response stream with VGTIDs, per-shard
/// contiguity, heartbeats, chunking and retries (§2.3–2.5, §2.12).
/// </summary>
public sealed class VStreamGateway : IVStreamGateway
{
    private readonly GatewayOptions _options;
    private readonly IShardStreamFactory _factory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the gateway; <paramref name="options"/> should have passed <see cref="TopologyValidator.Validate"/>.</summary>
    public VStreamGateway(GatewayOptions options, IShardStreamFactory factory, TimeProvider? timeProvider = null, ILogger<VStreamGateway>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        _options = options;
        _factory = factory;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Resolution errors surface on the first <c>MoveNextAsync</c>, before any shard starts. Each response is new and owned
    /// by the caller. Client cancellation ends the enumeration with <see cref="OperationCanceledException"/>.
    /// </remarks>
    public async IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resolved = RequestResolver.Resolve(request, _options);
        using var session = new StreamSession(_options, _factory, _timeProvider, _logger, resolved);
        await foreach (var response in session.RunAsync(cancellationToken).ConfigureAwait(false))
            yield return response;
    }
}
