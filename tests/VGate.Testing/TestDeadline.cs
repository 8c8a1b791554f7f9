namespace VGate.Testing;

/// <summary>Standard deadlines for tests that wait on real servers, in one place so they can be tuned together.</summary>
public static class TestDeadline
{
    /// <summary>For things that normally take milliseconds (a row appearing, a connection failing): 30 s.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(30);

    /// <summary>For a server starting, restarting or recovering after a crash: 90 s.</summary>
    public static TimeSpan ServerStart { get; } = TimeSpan.FromSeconds(90);

    /// <summary>A token cancelled after <paramref name="timeout"/> (default <see cref="Default"/>); dispose the source.</summary>
    public static CancellationTokenSource CreateTokenSource(TimeSpan? timeout = null) => new(timeout ?? Default);
}
