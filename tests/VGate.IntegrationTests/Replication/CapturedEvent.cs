using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Rows;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// An owned copy of what a test needs from one binlog event. Row data in live events points into the client's
/// receive buffer and is gone at the next event, so <see cref="BinlogCapture"/> copies it out as text.
/// </summary>
public sealed record CapturedEvent(
    EventType Type,
    string? Gtid,
    string? Sql,
    string? Table,
    IReadOnlyList<CapturedRow> Rows,
    string? ResumePosition,
    IReadOnlyList<ColumnInfo>? Columns = null);

/// <summary>One row of a row event: column name → MySQL text form (binary kinds as hex), null for SQL NULL.</summary>
public sealed record CapturedRow(IReadOnlyDictionary<string, string?>? Before, IReadOnlyDictionary<string, string?>? After);
