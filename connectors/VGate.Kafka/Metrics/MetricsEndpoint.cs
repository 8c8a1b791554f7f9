using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using VGate.Metrics;

namespace VGate.Kafka.Metrics;

/// <summary>
/// The sink's HTTP endpoint (<c>MetricsListen</c>): <c>GET /metrics</c> (Prometheus text of the <c>VGate.Kafka</c> meters)
/// and <c>GET /healthz</c>. A few lines of HTTP/1.1 over a socket, one request per connection, because the sink must not
/// depend on ASP.NET Core (and <c>vgate-kafka</c> runs on the plain .NET runtime).
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    /// <summary>Largest request head read; a scraper's is a few hundred bytes.</summary>
    private const int MaxRequestBytes = 8192;

    /// <summary>A client that sends no complete request head within this time is dropped.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly PrometheusExporter _exporter;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    private MetricsEndpoint(TcpListener listener, PrometheusExporter exporter, ILogger logger)
    {
        _listener = listener;
        _exporter = exporter;
        _logger = logger;
        _accept = Task.Run(() => AcceptLoopAsync(_stop.Token));
    }

    /// <summary>Where it listens (the real port when 0 was asked for).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Starts listening on <paramref name="listen"/> (<c>host:port</c>, checked by <see cref="TryParse"/>).</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static MetricsEndpoint Start(string listen, ILogger logger)
    {
        if (!TryParse(listen, out var host, out var port, out var problem))
            throw new ArgumentException(problem, nameof(listen));
        var address = host switch
        {
            "*" or "+" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => Dns.GetHostAddresses(host).First(),
        };
        var listener = new TcpListener(address, port);
        if (address.Equals(IPAddress.IPv6Any))
            listener.Server.DualMode = true;
        listener.Start();
        // Listening before the exporter exists costs nothing; the exporter sees instruments created before and after it.
        return new MetricsEndpoint(listener, new PrometheusExporter(), logger);
    }

    /// <summary>
    /// Checks a <c>MetricsListen</c> value: <c>host:port</c>, <c>[ipv6]:port</c> or <c>*:port</c> (every address), port
    /// 0-65535 (0: any free port).
    /// </summary>
    public static bool TryParse(string text, out string host, out int port, out string problem)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            problem = $"MetricsListen must be HOST:PORT (port 0-65535), e.g. 127.0.0.1:15993, not '{text}'.";
            return false;
        }
        host = text[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (bracketed)
            host = host[1..^1];
        // "::1:9000" could be an address without a port: IPv6 addresses need their brackets.
        if (host.Contains(':', StringComparison.Ordinal) && (!bracketed || !IPAddress.TryParse(host, out _)))
        {
            problem = $"MetricsListen '{text}': write an IPv6 address in brackets, e.g. [::1]:15993.";
            return false;
        }
        problem = "";
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accept.ConfigureAwait(false);
        _exporter.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted: nothing to answer, keep listening.
                Logging.Log.MetricsRequestFailed(_logger, ex.Message);
                continue;
            }
            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var head = await ReadHeadAsync(client, timeout.Token).ConfigureAwait(false);
            var (status, contentType, body) = Answer(head);
            var bytes = Encoding.UTF8.GetBytes(body);
            var isHead = head?.StartsWith("HEAD ", StringComparison.Ordinal) == true;
            var header = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await client.SendAsync(header, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (!isHead)
                await client.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!cancellationToken.IsCancellationRequested)
                Logging.Log.MetricsRequestFailed(_logger, ex.Message);
        }
    }

    /// <summary>The request line, or null when the head is malformed or too long.</summary>
    private static async Task<string?> ReadHeadAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
                return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        }
        return null;
    }

    private (string Status, string ContentType, string Body) Answer(string? requestLine)
    {
        const string Text = "text/plain; charset=utf-8";
        var parts = requestLine?.Split(' ');
        if (parts is not { Length: 3 } || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return ("400 Bad Request", Text, "bad request\n");
        if (parts[0] is not ("GET" or "HEAD"))
            return ("405 Method Not Allowed", Text, "only GET and HEAD\n");
        var path = parts[1];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
            path = path[..query];
        return path switch
        {
            "/metrics" => ("200 OK", PrometheusExporter.ContentType, _exporter.Write()),
            "/healthz" => ("200 OK", Text, "ok\n"),
            _ => ("404 Not Found", Text, "not found: /metrics and /healthz are served here\n"),
        };
    }
}
