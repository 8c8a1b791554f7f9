using VGate.MySql.Binlog.Events;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// One row of a row event as a decoder saw it, with every value already in the canonical comparison form of
/// <see cref="ValueNormalizer"/>. <see cref="Before"/> is the WHERE image (UPDATE, DELETE), <see cref="After"/> the
/// SET image (INSERT, UPDATE).
/// </summary>
public sealed record DecodedRow(
    string? Gtid,
    string Database,
    string Table,
    RowsEventKind Kind,
    IReadOnlyList<DecodedValue>? Before,
    IReadOnlyList<DecodedValue>? After);

/// <summary>
/// One column value. <see cref="Canonical"/> is what is compared (null for SQL NULL); <see cref="Raw"/> is the
/// decoder's own form, for failure messages; <see cref="Text"/> is the value decoded with the column's character
/// set, for character columns only.
/// </summary>
public sealed record DecodedValue(string Column, string? Canonical, string Raw, string? Text = null)
{
    /// <summary>The column's type as mariadb-binlog's metadata names it (<c>INT</c>, <c>VARCHAR</c>, …); null from other decoders.</summary>
    public string? BaseType { get; init; }

    /// <summary>The column's character set from mariadb-binlog's metadata (null for binary and non-string columns).</summary>
    public string? Charset { get; init; }
}
