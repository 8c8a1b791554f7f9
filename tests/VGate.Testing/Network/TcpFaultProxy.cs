using System.Net;
using System.Net.Sockets;

namespace VGate.Testing.Network;

/// <summary>A direction of the bytes through a <see cref="TcpFaultProxy"/>.</summary>
[Flags]
public enum ProxyDirection
{
    /// <summary>Neither direction.</summary>
    None = 0,

    /// <summary>From the connecting client to the target (requests).</summary>
    ToTarget = 1,

    /// <summary>From the target back to the client (responses, the binlog stream).</summary>
    ToClient = 2,

    /// <summary>Both directions.</summary>
    Both = ToTarget | ToClient,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 for fault injection: every connection accepted is forwarded to one target, byte for byte, in
/// both directions, until a test tells it otherwise:
/// <list type="bullet">
/// <item><see cref="Stall"/> stops forwarding in one or both directions while holding the sockets open: nothing is read
/// from the sending side (so TCP back-pressure builds up as on a hung peer or a black-holed route) and nothing is written.
/// New connections are accepted and stall the same way.</item>
/// <item><see cref="Resume"/> forwards again, losing nothing that was read before the stall.</item>
/// <item><see cref="CutAll"/> resets every open connection (RST on both sides, as a dying middlebox or a killed peer's
/// kernel would); later connections are accepted as usual.</item>
/// </list>
/// An optional <see cref="ProxyOptions.ToClientRewriter"/> sees the bytes going to the client and may change them (e.g.
/// insert a packet into a MySQL replication stream).
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ProxyOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<ProxiedConnection> _connections = [];
    private readonly Gate _toTarget = new();
    private readonly Gate _toClient = new();
    private readonly Task _acceptLoop;
    private long _bytesToTarget;
    private long _bytesToClient;
    private int _accepted;
    private int _cuts;

    private TcpFaultProxy(string targetHost, int targetPort, ProxyOptions options)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _options = options;
        _listener = new TcpListener(options.ListenAddress ?? IPAddress.Loopback, 0);
        _listener.Start();
        Host = ((IPEndPoint)_listener.LocalEndpoint).Address.ToString();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The proxy's address: loopback unless <see cref="ProxyOptions.ListenAddress"/> says otherwise.</summary>
    public string Host { get; }

    /// <summary>The port the proxy listens on.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far (including cut and closed ones).</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    /// <summary>Connections open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_lock)
                return _connections.Count;
        }
    }

    /// <summary>How many times <see cref="CutAll"/> reset at least one connection.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Bytes forwarded to the target so far.</summary>
    public long BytesToTarget => Interlocked.Read(ref _bytesToTarget);

    /// <summary>Bytes forwarded to the clients so far.</summary>
    public long BytesToClient => Interlocked.Read(ref _bytesToClient);

    /// <summary>The directions stalled now.</summary>
    public ProxyDirection Stalled =>
        (_toTarget.IsClosed ? ProxyDirection.ToTarget : ProxyDirection.None) | (_toClient.IsClosed ? ProxyDirection.ToClient : ProxyDirection.None);

    /// <summary>Starts a proxy on a free port (of loopback by default) that forwards to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static TcpFaultProxy Start(string targetHost, int targetPort, ProxyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        if (!IPAddress.TryParse(targetHost, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"The fault proxy forwards to loopback addresses only (got {targetHost}).", nameof(targetHost));
        return new TcpFaultProxy(targetHost, targetPort, options ?? new ProxyOptions());
    }

    /// <summary>
    /// <paramref name="uri"/> (e.g. <c>mysql://user:pw@127.0.0.1:3306?x=y</c> or <c>http://127.0.0.1:5000</c>) with its
    /// host and port replaced by the proxy's.
    /// </summary>
    public Uri Rewrite(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return new UriBuilder(uri) { Host = Host, Port = Port }.Uri;
    }

    /// <summary>Stops forwarding in <paramref name="direction"/> (open and new connections), holding the sockets open.</summary>
    public void Stall(ProxyDirection direction = ProxyDirection.Both)
    {
        if (direction.HasFlag(ProxyDirection.ToTarget))
            _toTarget.Close();
        if (direction.HasFlag(ProxyDirection.ToClient))
            _toClient.Close();
    }

    /// <summary>Forwards again in <paramref name="direction"/>.</summary>
    public void Resume(ProxyDirection direction = ProxyDirection.Both)
    {
        if (direction.HasFlag(ProxyDirection.ToTarget))
            _toTarget.Open();
        if (direction.HasFlag(ProxyDirection.ToClient))
            _toClient.Open();
    }

    /// <summary>Resets every open connection (RST to both peers); returns how many there were.</summary>
    public int CutAll()
    {
        List<ProxiedConnection> open;
        lock (_lock)
        {
            open = [.. _connections];
            _connections.Clear();
        }
        foreach (var connection in open)
            connection.Reset();
        if (open.Count > 0)
            Interlocked.Increment(ref _cuts);
        return open.Count;
    }

    /// <summary>Stops listening and resets every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        CutAll();
        _toTarget.Open();
        _toClient.Open();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"proxy {Host}:{Port} -> {_targetHost}:{_targetPort}";

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        client.NoDelay = true;
        var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await target.ConnectAsync(_targetHost, _targetPort, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The target is down: the client sees its connection reset, as it would connecting to the target itself.
            ProxiedConnection.ResetSocket(client);
            target.Dispose();
            return;
        }

        var connection = new ProxiedConnection(client, target);
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                connection.Reset();
                connection.Dispose();
                return;
            }
            _connections.Add(connection);
        }

        var rewriter = _options.ToClientRewriter?.Invoke();
        var up = PumpAsync(connection, client, target, _toTarget, ProxyDirection.ToTarget, null);
        var down = PumpAsync(connection, target, client, _toClient, ProxyDirection.ToClient, rewriter);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        lock (_lock)
            _connections.Remove(connection);
        connection.Close();
        connection.Dispose();
    }

    private async Task PumpAsync(ProxiedConnection connection, Socket from, Socket to, Gate gate, ProxyDirection direction, IStreamRewriter? rewriter)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                // Stalled: read nothing, so the sender's window fills up as it would behind a hung peer.
                await gate.WaitOpenAsync(connection.Closed).ConfigureAwait(false);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, connection.Closed).ConfigureAwait(false);
                if (read == 0)
                {
                    // A clean close: pass the FIN on, keep the other direction running.
                    if (rewriter is not null)
                        await SendAsync(to, rewriter.Flush(), gate, direction, connection).ConfigureAwait(false);
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                var bytes = rewriter is null ? buffer.AsMemory(0, read) : rewriter.Rewrite(buffer.AsMemory(0, read));
                await SendAsync(to, bytes, gate, direction, connection).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // One side reset or the proxy cut the connection: reset the other side too.
            connection.Reset();
        }
    }

    private async Task SendAsync(Socket to, ReadOnlyMemory<byte> bytes, Gate gate, ProxyDirection direction, ProxiedConnection connection)
    {
        if (bytes.IsEmpty)
            return;
        // Bytes read just before a stall are held, not sent, until the direction resumes.
        await gate.WaitOpenAsync(connection.Closed).ConfigureAwait(false);
        var sent = 0;
        while (sent < bytes.Length)
            sent += await to.SendAsync(bytes[sent..], SocketFlags.None, connection.Closed).ConfigureAwait(false);
        if (direction == ProxyDirection.ToTarget)
            Interlocked.Add(ref _bytesToTarget, bytes.Length);
        else
            Interlocked.Add(ref _bytesToClient, bytes.Length);
    }

    /// <summary>A pair of sockets; <see cref="Reset"/> aborts both with RST.</summary>
    private sealed class ProxiedConnection : IDisposable
    {
        private readonly Socket _client;
        private readonly Socket _target;
        private readonly CancellationTokenSource _closed = new();
        private int _done;

        public ProxiedConnection(Socket client, Socket target)
        {
            _client = client;
            _target = target;
            Closed = _closed.Token;
        }

        /// <summary>Cancelled once the connection is reset or closed; pumps stop on it.</summary>
        public CancellationToken Closed { get; }

        public void Reset()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
                return;
            ResetSocket(_client);
            ResetSocket(_target);
            Cancel();
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
                return;
            _client.Dispose();
            _target.Dispose();
            Cancel();
        }

        /// <summary>Call after <see cref="Close"/> or <see cref="Reset"/>, once no pump runs.</summary>
        public void Dispose() => _closed.Dispose();

        private void Cancel()
        {
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposing the sockets above ended both pumps on this thread, and the connection was disposed after them:
                // nothing is left to cancel.
            }
        }

        public static void ResetSocket(Socket socket)
        {
            try
            {
                // Linger 0: close sends RST instead of FIN, and drops anything unsent.
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            socket.Dispose();
        }
    }

    /// <summary>An open/closed switch that pumps wait on.</summary>
    private sealed class Gate
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _opened = NewOpened();

        public bool IsClosed
        {
            get
            {
                lock (_lock)
                    return !_opened.Task.IsCompleted;
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                if (_opened.Task.IsCompleted)
                    _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Open()
        {
            lock (_lock)
                _opened.TrySetResult();
        }

        public Task WaitOpenAsync(CancellationToken cancellationToken)
        {
            Task opened;
            lock (_lock)
                opened = _opened.Task;
            return opened.IsCompleted ? Task.CompletedTask : opened.WaitAsync(cancellationToken);
        }

        private static TaskCompletionSource NewOpened()
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            opened.SetResult();
            return opened;
        }
    }
}

/// <summary>Settings of a <see cref="TcpFaultProxy"/>.</summary>
public sealed record ProxyOptions
{
    /// <summary>
    /// The local address to listen on; null means loopback. A test that needs a client to see a non-loopback peer (as a
    /// man in the middle would be) uses one of this machine's own addresses (<see cref="LocalAddresses"/>), so traffic
    /// still never leaves the machine.
    /// </summary>
    public IPAddress? ListenAddress { get; init; }

    /// <summary>Makes one rewriter per connection for the bytes going to the client; null forwards them unchanged.</summary>
    public Func<IStreamRewriter>? ToClientRewriter { get; init; }
}

/// <summary>Changes the bytes of one direction of one proxied connection.</summary>
public interface IStreamRewriter
{
    /// <summary>Takes the bytes just read (valid only during the call) and returns what to send now (may be empty).</summary>
    ReadOnlyMemory<byte> Rewrite(ReadOnlyMemory<byte> received);

    /// <summary>Returns whatever is held back when the sender closes its side.</summary>
    ReadOnlyMemory<byte> Flush();
}
