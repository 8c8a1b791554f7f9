using Microsoft.Extensions.Options;

namespace VGate.Server.Auth;

/// <summary>
/// Polls the users file and the TLS files every <see cref="SecurityOptions.ReloadInterval"/> and swaps in changed ones
/// (<see cref="SecurityState.Reload"/>). Polling rather than a file watcher: it also sees the symlink swaps with which
/// Kubernetes updates mounted secrets, and costs one read of a few small files per period. Being a hosted service, it also
/// makes the host load the security material at start instead of at the first call.
/// </summary>
internal sealed class SecurityReloadService(SecurityState state, IOptions<SecurityOptions> options, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReloadInterval;
        if (interval <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                state.Reload();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
