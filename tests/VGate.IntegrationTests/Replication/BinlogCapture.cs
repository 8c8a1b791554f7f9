using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// Reads a server's binlog with <see cref="BinlogClient"/> and keeps owned copies of the events.
/// <see cref="ReadToEndAsync"/> uses the non-blocking dump, so it returns once the client has everything the
/// server had written when the dump started: no timing guesses.
/// </summary>
public static class BinlogCapture
{
    public static BinlogClientOptions Options(MariaDbServer server, BinlogStartPosition start, bool stopAtEnd = true) => new()
    {
        Connection = MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()),
        Start = start,
        StopAtEnd = stopAtEnd,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
    };

    public static async Task<List<CapturedEvent>> ReadToEndAsync(MariaDbServer server, BinlogStartPosition start, CancellationToken cancellationToken = default)
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        await using var client = new BinlogClient(Options(server, start));
        var events = new List<CapturedEvent>();
        await foreach (var binlogEvent in client.ReadEventsAsync(linked.Token))
            events.Add(Capture(binlogEvent, client));
        return events;
    }

    public static CapturedEvent Capture(BinlogEvent binlogEvent, IBinlogEventReader client)
    {
        var resume = client.LastEventCompletedTransaction ? client.Position?.ToString() : null;
        return binlogEvent switch
        {
            RowsEvent rows => new CapturedEvent(rows.Type, null, null, rows.TableMap.Table, CaptureRows(rows), resume, rows.TableMap.Columns),
            MariaDbGtidEvent gtid => new CapturedEvent(gtid.Type, gtid.Gtid.ToString(), null, null, [], resume),
            GtidEvent gtid => new CapturedEvent(gtid.Type, gtid.Gtid?.ToString(), null, null, [], resume),
            QueryEvent query => new CapturedEvent(query.Type, null, query.Query, null, [], resume),
            TableMapEvent map => new CapturedEvent(map.Type, null, null, map.Table, [], resume),
            _ => new CapturedEvent(binlogEvent.Type, null, null, null, [], resume),
        };
    }

    private static List<CapturedRow> CaptureRows(RowsEvent rows)
    {
        var result = new List<CapturedRow>();
        foreach (var row in rows.GetRows())
            result.Add(new CapturedRow(CaptureImage(rows.TableMap, row.Before), CaptureImage(rows.TableMap, row.After)));
        return result;
    }

    private static Dictionary<string, string?>? CaptureImage(TableMapEvent table, RowImage image)
    {
        if (!image.IsPresent)
            return null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var cell in image.Cells)
        {
            var column = table.Columns[cell.ColumnIndex];
            var name = column.Name ?? $"@{column.Index + 1}";
            values[name] = cell.IsNull ? null : ToComparableText(column, image.GetBytes(cell));
        }
        return values;
    }

    /// <summary>
    /// The value in the form <see cref="SelectExpression"/> makes the server return it: BIT as an unsigned number,
    /// other byte-like kinds as hex of their text-protocol bytes, everything else as text.
    /// </summary>
    public static string ToComparableText(ColumnInfo column, ReadOnlySpan<byte> cell)
    {
        switch (ColumnValueDecoder.GetValueKind(column))
        {
            case ValueKind.Bit:
                ulong bits = 0;
                foreach (var b in ColumnValueDecoder.GetPayload(column, cell))
                    bits = (bits << 8) | b;
                return bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case ValueKind.Binary or ValueKind.Geometry or ValueKind.Vector:
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                ColumnValueDecoder.WriteText(column, cell, buffer);
                return Convert.ToHexString(buffer.WrittenSpan);
            default:
                return ColumnValueDecoder.ToText(column, cell);
        }
    }

    /// <summary>The SELECT expression whose result equals <see cref="ToComparableText"/> for a column of this kind.</summary>
    public static string SelectExpression(ColumnInfo column, string quotedName) => ColumnValueDecoder.GetValueKind(column) switch
    {
        ValueKind.Bit => $"CAST({quotedName} AS UNSIGNED)",
        ValueKind.Binary or ValueKind.Geometry or ValueKind.Vector => $"HEX({quotedName})",
        _ => $"CAST({quotedName} AS CHAR CHARACTER SET utf8mb4)",
    };
}
