namespace VGate.Testing;

/// <summary>
/// How a throwaway <c>mariadbd</c> started by <see cref="MariaDbServer.StartAsync(MariaDbServerOptions, CancellationToken)"/> is configured.
/// The defaults are what VGate needs from a source: binary log on, <c>ROW</c> format, <c>FULL</c> row image
/// and <c>FULL</c> row metadata. Use <c>with</c> to derive variants.
/// </summary>
public sealed record MariaDbServerOptions
{
    /// <summary>
    /// The <c>server_id</c>. <see langword="null"/> (the default) picks a value unique within this test process,
    /// so shards started side by side never share one.
    /// </summary>
    public uint? ServerId { get; init; }

    /// <summary>
    /// The <c>gtid_domain_id</c>. <see langword="null"/> (the default) picks a value unique within this test
    /// process, so shards started side by side never share one.
    /// </summary>
    public uint? GtidDomainId { get; init; }

    /// <summary>Whether the binary log is on (<c>--log-bin</c>). Default <see langword="true"/>.</summary>
    public bool LogBin { get; init; } = true;

    /// <summary>The <c>binlog_format</c>. Default <see cref="BinlogFormat.Row"/>.</summary>
    public BinlogFormat BinlogFormat { get; init; } = BinlogFormat.Row;

    /// <summary>The <c>binlog_row_image</c>. Default <see cref="BinlogRowImage.Full"/>.</summary>
    public BinlogRowImage BinlogRowImage { get; init; } = BinlogRowImage.Full;

    /// <summary>The <c>binlog_row_metadata</c>. Default <see cref="BinlogRowMetadata.Full"/>.</summary>
    public BinlogRowMetadata BinlogRowMetadata { get; init; } = BinlogRowMetadata.Full;

    /// <summary>
    /// The <c>max_binlog_size</c> in bytes (4096 to 1 GiB; the server rounds down to a multiple of 4096).
    /// Small values force frequent rotation. <see langword="null"/> keeps the server default (1 GiB).
    /// </summary>
    public long? MaxBinlogSize { get; init; }

    /// <summary>
    /// More server options, each a complete <c>--key=value</c> (or <c>--flag</c>) argument, appended after
    /// the ones this type generates so they win on conflicts.
    /// </summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>PEM server certificate for TLS (<c>--ssl-cert</c>); set together with <see cref="TlsKeyFile"/>.</summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>PEM private key for TLS (<c>--ssl-key</c>); set together with <see cref="TlsCertificateFile"/>.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>PEM CA bundle the server trusts for client certificates (<c>--ssl-ca</c>); optional.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Loads the <c>auth_ed25519</c> plugin (<c>--plugin-load-add=auth_ed25519</c>).</summary>
    public bool LoadEd25519Plugin { get; init; }

    /// <summary>
    /// Creates the replication user with the <c>ed25519</c> authentication plugin instead of
    /// <c>mysql_native_password</c>. Implies <see cref="LoadEd25519Plugin"/>.
    /// </summary>
    public bool ReplicationUserUsesEd25519 { get; init; }

    /// <summary>A short label used in the server's directory name and in error messages (letters, digits, '-', '_').</summary>
    public string? Name { get; init; }

    /// <summary>How long to wait for the server to accept connections after it is launched. Default 60 s.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ArgumentException"/> when the options are inconsistent.</summary>
    public void Validate()
    {
        if (MaxBinlogSize is { } size && (size < 4096 || size > 1L << 30))
        {
            throw new ArgumentException($"MaxBinlogSize must be between 4096 and {1L << 30} bytes; got {size}.", nameof(MaxBinlogSize));
        }

        if ((TlsCertificateFile is null) != (TlsKeyFile is null))
        {
            throw new ArgumentException("TlsCertificateFile and TlsKeyFile must be set together.", nameof(TlsCertificateFile));
        }

        foreach (var file in new[] { TlsCertificateFile, TlsKeyFile, TlsCaFile })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new ArgumentException($"TLS file '{file}' does not exist.", nameof(TlsCertificateFile));
            }
        }

        foreach (var argument in ExtraArguments)
        {
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Extra server argument '{argument}' must start with '--'.", nameof(ExtraArguments));
            }
        }

        if (Name is not null && (Name.Length is 0 or > 32 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"Name '{Name}' must be 1-32 letters, digits, '-' or '_'.", nameof(Name));
        }

        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("StartupTimeout must be positive.", nameof(StartupTimeout));
        }
    }
}
