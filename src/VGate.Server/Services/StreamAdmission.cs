using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Options;
using VGate.Gateway.Topology;
using VGate.VStreamer;

namespace VGate.Server.Services;

/// <summary>
/// Counts the VStream calls running, in total and per user, against <see cref="LimitsOptions.MaxStreams"/> and
/// <see cref="LimitsOptions.MaxStreamsPerUser"/>: a call over either ends at once with RESOURCE_EXHAUSTED naming the limit
/// and its setting, before the gateway opens anything. The user is the authenticated <c>username</c> when a users file is
/// configured; without one, the header proves nothing, so calls are counted by the client's IP address.
/// </summary>
internal sealed class StreamAdmission
{
    private readonly LimitsOptions _limits;
    private readonly bool _authenticated;
    private readonly object _lock = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    public StreamAdmission(IOptions<GatewayOptions> gateway, IOptions<ServerOptions> server)
    {
        _limits = gateway.Value.Limits ?? new LimitsOptions();
        _authenticated = server.Value.UsersFile is { Length: > 0 };
    }

    /// <summary>VStream calls running now (for tests and diagnostics).</summary>
    public int Running
    {
        get
        {
            lock (_lock)
                return _total;
        }
    }

    /// <summary>Admits one call; dispose the lease when it ends.</summary>
    /// <exception cref="VStreamException">RESOURCE_EXHAUSTED when a limit is reached.</exception>
    public Lease Admit(ServerCallContext context)
    {
        var user = UserOf(context);
        lock (_lock)
        {
            if (_limits.MaxStreams > 0 && _total >= _limits.MaxStreams)
            {
                throw VStreamException.ResourceExhausted(
                    $"too many VStreams: {_total} are running, the limit is {_limits.MaxStreams} (setting VGate:Limits:MaxStreams)");
            }
            var mine = _perUser.GetValueOrDefault(user);
            if (_limits.MaxStreamsPerUser > 0 && mine >= _limits.MaxStreamsPerUser)
            {
                throw VStreamException.ResourceExhausted(
                    $"too many VStreams for {user}: {mine} are running, the limit is {_limits.MaxStreamsPerUser} per user " +
                    "(setting VGate:Limits:MaxStreamsPerUser)");
            }
            _perUser[user] = mine + 1;
            _total++;
        }
        return new Lease(this, user);
    }

    private void Release(string user)
    {
        lock (_lock)
        {
            _total--;
            if (_perUser.TryGetValue(user, out var count) && count > 1)
                _perUser[user] = count - 1;
            else
                _perUser.Remove(user);
        }
    }

    private string UserOf(ServerCallContext context)
    {
        if (_authenticated && context.RequestHeaders.GetValue("username") is { Length: > 0 } name)
            return $"user \"{name}\"";
        return "client " + HostOf(context.Peer);
    }

    /// <summary>The address of a gRPC peer (<c>ipv4:127.0.0.1:5000</c>, <c>ipv6:[::1]:5000</c>), without its port.</summary>
    internal static string HostOf(string peer)
    {
        var address = peer;
        var scheme = address.IndexOf(':', StringComparison.Ordinal);
        if (scheme >= 0 && address.AsSpan(0, scheme) is "ipv4" or "ipv6")
            address = address[(scheme + 1)..];
        if (IPEndPoint.TryParse(address, out var endpoint))
            return endpoint.Address.ToString();
        return address;
    }

    /// <summary>One admitted call.</summary>
    internal sealed class Lease(StreamAdmission owner, string user) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Release(user);
        }
    }
}
