namespace VGate.Gateway.Topology;

/// <summary>One MySQL/MariaDB server that holds a copy of a shard.</summary>
public sealed class SourceOptions
{
    /// <summary>
    /// How to reach it: <c>mysql://user:password@host:port[?ssl-mode=…&amp;ssl-ca=…]</c> (see
    /// <c>MySqlConnectionOptions.Parse</c>). The password may instead come from <see cref="PasswordEnvironmentVariable"/>.
    /// </summary>
    public string Uri { get; set; } = "";

    /// <summary>Name of an environment variable holding the password, so it need not be in the file.</summary>
    public string? PasswordEnvironmentVariable { get; set; }

    /// <summary>The server's role. Default primary.</summary>
    public SourceRole Role { get; set; } = SourceRole.Primary;

    /// <summary>A name for logs and metrics; default host:port.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The cell (data center, zone) the server is in, for requests that name cells (<c>VStreamFlags.cells</c>): such a
    /// request reads only from sources in one of its cells. Null: no cell, used only by requests without cells.
    /// </summary>
    public string? Cell { get; set; }
}
