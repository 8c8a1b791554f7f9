using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Binlogdata;
using Grpc.Core;
using Grpc.Net.Client;
using VGate.Kafka.Sink;
using Vtgate;

namespace VGate.Kafka.Gateway;

/// <summary>
/// A VStream client for a VGate server or a real vtgate (<c>vtgateservice.Vitess/VStream</c>): TLS with a private CA
/// and optional client certificate, static auth as <c>username</c>/<c>password</c> call metadata, extra metadata, and
/// HTTP/2 keep-alive pings so a dead connection is noticed.
/// </summary>
internal sealed class VStreamSource : IDisposable
{
    private readonly KafkaSinkOptions _options;
    private readonly GrpcChannel _channel;
    private readonly Vtgateservice.Vitess.VitessClient _client;
    private readonly Metadata _headers = [];
    private readonly X509Certificate2? _ca;

    public VStreamSource(KafkaSinkOptions options)
    {
        _options = options;
        var gateway = options.Gateway ?? throw new ArgumentException("Gateway is required.", nameof(options));
        var tls = options.TlsCaFile is not null || options.TlsClientCertificateFile is not null;
        Address = gateway.Contains("://", StringComparison.Ordinal) ? gateway : (tls ? "https://" : "http://") + gateway;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (options.TlsCaFile is { } caFile)
        {
            _ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = ValidateWithPrivateCa;
        }
        if (options.TlsClientCertificateFile is { } certificateFile)
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificateFile, options.TlsClientKeyFile)];
        // The channel's own reconnect backoff (Grpc.Net.Client: 1 s growing to 120 s by default, during which every call
        // fails at once with "Error connecting to subchannel") is held to the sink's: otherwise, after a gateway outage,
        // the sink's attempts every ReconnectMaxDelayMs all fail fast and it reconnects only minutes after the gateway is back.
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = options.GrpcMaxMessageBytes,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(Math.Max(1, options.ReconnectInitialDelayMs)),
            MaxReconnectBackoff = TimeSpan.FromMilliseconds(Math.Max(Math.Max(1, options.ReconnectInitialDelayMs), options.ReconnectMaxDelayMs)),
        });
        _client = new Vtgateservice.Vitess.VitessClient(_channel);
        if (options.Username is not null)
        {
            _headers.Add("username", options.Username);
            _headers.Add("password", options.Password ?? "");
        }
        foreach (var (key, value) in options.GrpcHeaders)
            _headers.Add(key.ToLowerInvariant(), value);
    }

    /// <summary>The URL the channel connects to.</summary>
    public string Address { get; }

    /// <summary>The request for a stream from <paramref name="position"/>: every table of the keyspace (filtering is client-side).</summary>
    public VStreamRequest CreateRequest(VGtid position)
    {
        var request = new VStreamRequest
        {
            TabletType = _options.TabletType.ToLowerInvariant() switch
            {
                "replica" => Topodata.TabletType.Replica,
                "rdonly" or "batch" => Topodata.TabletType.Rdonly,
                _ => Topodata.TabletType.Primary,
            },
            Vgtid = position,
            Filter = new Filter { Rules = { new Rule { Match = "/.*" } } },
            Flags = new VStreamFlags
            {
                HeartbeatInterval = (uint)Math.Max(0, _options.HeartbeatIntervalSeconds),
                StreamKeyspaceHeartbeats = _options.StreamKeyspaceHeartbeats,
            },
        };
        return request;
    }

    /// <summary>
    /// Runs one VStream call from <paramref name="position"/> and writes each response, with the time it arrived
    /// (<see cref="Stopwatch.GetTimestamp"/>), to <paramref name="output"/>. The writer is completed when the call ends:
    /// normally when the server closed the stream, with the <see cref="RpcException"/> when it failed.
    /// </summary>
    public async Task PumpAsync(VGtid position, ChannelWriter<ReceivedResponse> output, CancellationToken cancellationToken)
    {
        try
        {
            using var call = _client.VStream(CreateRequest(position), _headers, cancellationToken: cancellationToken);
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await output.WriteAsync(new ReceivedResponse(response, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
            output.TryComplete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _ca?.Dispose();
    }

    private bool ValidateWithPrivateCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || _ca is null)
            return false;
        // A name mismatch is an error even with a private CA; only the chain is checked against our own root.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}

/// <summary>A VStream response and when it arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
internal readonly record struct ReceivedResponse(VStreamResponse Response, long ReceivedAt);
