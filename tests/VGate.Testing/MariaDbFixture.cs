using System.Collections.Concurrent;

namespace VGate.Testing;

/// <summary>
/// One <see cref="MariaDbServer"/> shared by a test class (<c>IClassFixture&lt;MariaDbFixture&gt;</c>) or a
/// collection (<c>ICollectionFixture&lt;MariaDbFixture&gt;</c>). Tests sharing it stay independent by working in
/// their own database from <see cref="CreateDatabaseAsync"/>, so they can run in parallel.
/// </summary>
/// <remarks>
/// Derive to change the server options:
/// <code>
/// public sealed class StatementFormatFixture() : MariaDbFixture(new MariaDbServerOptions { BinlogFormat = BinlogFormat.Statement });
/// </code>
/// When the server cannot start, <see cref="InitializeAsync"/> throws and every test using the fixture fails with
/// the reason; with <see cref="ServerRequirement.SkipRequested"/> nothing is started (the tests, marked
/// <see cref="ServerFactAttribute"/>, are skipped).
/// </remarks>
public class MariaDbFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<string> _databases = [];
    private MariaDbServer? _server;

    /// <summary>A fixture with the default options (ROW, FULL, FULL, binary log on).</summary>
    public MariaDbFixture()
        : this(new MariaDbServerOptions())
    {
    }

    /// <summary>A fixture with the given options, for derived fixtures.</summary>
    protected MariaDbFixture(MariaDbServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The options the server is started with.</summary>
    public MariaDbServerOptions Options { get; }

    /// <summary>The running server.</summary>
    public MariaDbServer Server => _server ?? throw new InvalidOperationException(
        ServerRequirement.SkipReason ?? "The MariaDB fixture has not been initialised (or was disposed).");

    /// <summary>
    /// Creates an empty database named <c>t_&lt;guid8&gt;</c> (utf8mb4) and returns its name; it is dropped when
    /// the fixture is disposed.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..8];
        await Server.ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", cancellationToken).ConfigureAwait(false);
        _databases.Add(name);
        return name;
    }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        if (ServerRequirement.SkipRequested)
        {
            return;
        }

        using var deadline = TestDeadline.CreateTokenSource(TestDeadline.ServerStart);
        _server = await MariaDbServer.StartAsync(Options, deadline.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        _server = null;
        if (server.IsRunning)
        {
            foreach (var database in _databases)
            {
                await server.ExecuteAsync($"DROP DATABASE IF EXISTS `{database}`").ConfigureAwait(false);
            }
        }

        await server.DisposeAsync().ConfigureAwait(false);
    }
}
