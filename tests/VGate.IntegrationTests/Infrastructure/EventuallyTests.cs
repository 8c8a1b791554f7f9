using VGate.Testing;

namespace VGate.IntegrationTests.Infrastructure;

public sealed class EventuallyTests
{
    [Fact]
    public async Task AssertAsync_ConditionHoldsAfterAFewAttempts_Returns()
    {
        var attempts = 0;

        await Eventually.AssertAsync(() => Assert.True(++attempts >= 3), TimeSpan.FromSeconds(10));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task AssertAsync_ConditionNeverHolds_ThrowsTimeoutWithLastFailure()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.AssertAsync(() => throw new InvalidOperationException("still broken"), TimeSpan.FromMilliseconds(100)));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("still broken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Eventually.AssertAsync(() => Assert.Fail("never"), TimeSpan.FromMinutes(1), cancellation.Token));
    }

    [Fact]
    public async Task UntilAsync_ProbeReachesValue_ReturnsThatValue()
    {
        var value = 0;

        var result = await Eventually.UntilAsync(() => Task.FromResult(++value), v => v == 4, TimeSpan.FromSeconds(10));

        Assert.Equal(4, result);
    }

    [Fact]
    public void FreePort_GetAvailableTcpPort_ReturnsBindablePort()
    {
        var port = FreePort.GetAvailableTcpPort();

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1, 65535);
    }
}
