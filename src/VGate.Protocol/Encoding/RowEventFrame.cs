using Binlogdata;

namespace VGate.Protocol.Encoding;

/// <summary>
/// The names of one table's ROW events (table name with its keyspace prefix, the RowEvent's keyspace and shard, the
/// VEvent's keyspace and shard) encoded once as the protobuf fields <see cref="VEvent.EncodeRowChanges{TState}(RowEventFrame, int, int, TState, System.Buffers.SpanAction{byte, TState})"/>
/// copies into every event. A streamer writes thousands of ROW events per second for the same table; measuring and
/// transcoding the same five strings for each was a sixth of what framing an event cost.
/// </summary>
/// <remarks>
/// Immutable and shareable. An event whose names are not the frame's is framed the ordinary way (<see cref="Fits"/>), so a
/// frame can never make an encoding wrong, only fail to make it faster.
/// </remarks>
public sealed class RowEventFrame
{
    // binlogdata.RowEvent: table_name 1, keyspace 3, shard 4; binlogdata.VEvent: keyspace 22, shard 23.
    private const int RowTableNameField = 1, RowKeyspaceField = 3, RowShardField = 4, KeyspaceField = 22, ShardField = 23;

    /// <summary>Encodes the names of a table's ROW events.</summary>
    /// <param name="tableNamePrefix">The keyspace the table name is written prefixed with (<c>prefix.table</c>), or null for
    /// none — the form the events are born in (see <see cref="VEvent.GetEncoded"/>).</param>
    /// <param name="tableName">The table name as the events carry it (<see cref="RowEvent.TableName"/>).</param>
    /// <param name="keyspace">The keyspace of both the VEvent and its RowEvent.</param>
    /// <param name="shard">The shard of both the VEvent and its RowEvent.</param>
    public RowEventFrame(string? tableNamePrefix, string tableName, string keyspace, string shard)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        ArgumentNullException.ThrowIfNull(keyspace);
        ArgumentNullException.ThrowIfNull(shard);
        TableNamePrefix = tableNamePrefix;
        TableName = tableName;
        Keyspace = keyspace;
        Shard = shard;
        TableNameField = Encode(RowTableNameField, tableNamePrefix, tableName);
        RowNamesFields = [.. Encode(RowKeyspaceField, null, keyspace), .. Encode(RowShardField, null, shard)];
        EventNamesFields = [.. Encode(KeyspaceField, null, keyspace), .. Encode(ShardField, null, shard)];
    }

    /// <summary>The keyspace table names are prefixed with, or null.</summary>
    public string? TableNamePrefix { get; }

    /// <summary>The table name (unprefixed).</summary>
    public string TableName { get; }

    /// <summary>The keyspace of the VEvent and of its RowEvent.</summary>
    public string Keyspace { get; }

    /// <summary>The shard of the VEvent and of its RowEvent.</summary>
    public string Shard { get; }

    /// <summary>RowEvent.table_name (prefixed when <see cref="TableNamePrefix"/> is set); empty for an empty name without prefix.</summary>
    internal byte[] TableNameField { get; }

    /// <summary>RowEvent.keyspace and RowEvent.shard, each left out when empty (proto3).</summary>
    internal byte[] RowNamesFields { get; }

    /// <summary>VEvent.keyspace and VEvent.shard, each left out when empty (proto3).</summary>
    internal byte[] EventNamesFields { get; }

    /// <summary>True when <paramref name="vevent"/> carries exactly this frame's names.</summary>
    public bool Fits(VEvent vevent)
    {
        ArgumentNullException.ThrowIfNull(vevent);
        return vevent.RowEvent is { } row &&
            string.Equals(row.TableName, TableName, StringComparison.Ordinal) &&
            string.Equals(row.Keyspace, Keyspace, StringComparison.Ordinal) &&
            string.Equals(row.Shard, Shard, StringComparison.Ordinal) &&
            string.Equals(vevent.Keyspace, Keyspace, StringComparison.Ordinal) &&
            string.Equals(vevent.Shard, Shard, StringComparison.Ordinal);
    }

    /// <summary>One string field as the generated serializer writes it: nothing when empty (and unprefixed).</summary>
    private static byte[] Encode(int fieldNumber, string? prefix, string value)
    {
        if (prefix is null && value.Length == 0)
            return [];
        var length = (prefix is null ? 0 : WireWriter.Utf8Length(prefix) + 1) + WireWriter.Utf8Length(value);
        var bytes = new byte[Google.Protobuf.CodedOutputStream.ComputeTagSize(fieldNumber) + WireWriter.LengthDelimitedPayloadSize(length)];
        var writer = new WireWriter(bytes);
        if (prefix is null)
            writer.WriteString(fieldNumber, value);
        else
            writer.WriteString(fieldNumber, prefix, value);
        return bytes;
    }
}
