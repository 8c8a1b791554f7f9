using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// QUERY_EVENT (2), and MariaDB's QUERY_COMPRESSED_EVENT (165) whose statement text is zlib-compressed: a statement
/// (DDL, BEGIN, COMMIT, or any statement in statement-based logging) with the session context it ran in.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Query__event.html,
/// https://mariadb.com/kb/en/query_event/ and https://mariadb.com/kb/en/query_compressed_event/
/// </summary>
public sealed class QueryEvent : BinlogEvent
{
    private readonly byte[] _statusVariables;

    private QueryEvent(EventHeader header, uint threadId, uint executionTime, ushort errorCode, byte[] statusVariables,
        QueryStatusVariables parsed, string database, string query, bool isCompressed)
        : base(header)
    {
        ThreadId = threadId;
        ExecutionTime = executionTime;
        ErrorCode = errorCode;
        _statusVariables = statusVariables;
        Status = parsed;
        Database = database;
        Query = query;
        IsCompressed = isCompressed;
    }

    /// <summary>The connection id (pseudo_thread_id) that ran the statement.</summary>
    public uint ThreadId { get; }

    /// <summary>Seconds the statement took on the source.</summary>
    public uint ExecutionTime { get; }

    /// <summary>The error the statement raised on the source (0 normally; non-zero for partly executed statements).</summary>
    public ushort ErrorCode { get; }

    /// <summary>The raw status-variable block (owned copy).</summary>
    public ReadOnlyMemory<byte> StatusVariables => _statusVariables;

    /// <summary>The status variables VGate knows how to read, parsed from <see cref="StatusVariables"/>.</summary>
    public QueryStatusVariables Status { get; }

    /// <summary>The default database of the session (may be empty).</summary>
    public string Database { get; }

    /// <summary>The statement text (decompressed for QUERY_COMPRESSED).</summary>
    public string Query { get; }

    /// <summary>True for MariaDB's QUERY_COMPRESSED_EVENT.</summary>
    public bool IsCompressed { get; }

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    /// <param name="postHeaderLength">QUERY post-header length from the FORMAT_DESCRIPTION (13 for binlog v4).</param>
    /// <param name="maxEventSize">Largest decompressed statement accepted.</param>
    internal static QueryEvent Parse(EventHeader header, ReadOnlyMemory<byte> body, int postHeaderLength, int maxEventSize)
    {
        var reader = new PacketReader(body.Span);
        var threadId = reader.ReadUInt32();
        var executionTime = reader.ReadUInt32();
        var databaseLength = reader.ReadByte();
        var errorCode = reader.ReadUInt16();
        var statusLength = 0;
        if (postHeaderLength >= 13)
        {
            statusLength = reader.ReadUInt16();
            reader.Skip(postHeaderLength - 13);
        }

        var statusBlock = reader.ReadBytes(statusLength);
        var database = Encoding.UTF8.GetString(reader.ReadBytes(databaseLength));
        if (reader.ReadByte() != 0)
            throw BinlogFormatException.Create("QUERY database name is not NUL-terminated", reader.Offset - 1);

        var isCompressed = header.Type == EventType.MariaDbQueryCompressed;
        string query;
        if (isCompressed)
        {
            query = Encoding.UTF8.GetString(MariaDbCompression.Decompress(body[reader.Offset..], maxEventSize, header));
        }
        else
        {
            query = Encoding.UTF8.GetString(reader.ReadToEnd());
        }

        return new QueryEvent(header, threadId, executionTime, errorCode, statusBlock.ToArray(),
            QueryStatusVariables.Parse(statusBlock), database, query, isCompressed);
    }
}
