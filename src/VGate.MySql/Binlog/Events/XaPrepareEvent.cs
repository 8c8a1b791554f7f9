using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// XA_PREPARE_LOG_EVENT (38): ends the binlogged part of an XA transaction at <c>XA PREPARE</c> (or commits it in one
/// phase). Carries the XA xid: format id, global transaction id and branch qualifier.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1XA__prepare__event.html
/// and https://mariadb.com/kb/en/xa_prepare_log_event/
/// </summary>
public sealed class XaPrepareEvent : BinlogEvent
{
    private const int MaxXidPartLength = 64;
    private readonly byte[] _gtrid;
    private readonly byte[] _bqual;

    private XaPrepareEvent(EventHeader header, bool onePhase, int formatId, byte[] gtrid, byte[] bqual)
        : base(header)
    {
        OnePhase = onePhase;
        FormatId = formatId;
        _gtrid = gtrid;
        _bqual = bqual;
    }

    /// <summary>True for <c>XA COMMIT … ONE PHASE</c>.</summary>
    public bool OnePhase { get; }

    /// <summary>The XA format id (1 for the default).</summary>
    public int FormatId { get; }

    /// <summary>The global transaction id (gtrid), up to 64 bytes. Owned.</summary>
    public ReadOnlyMemory<byte> GlobalTransactionId => _gtrid;

    /// <summary>The branch qualifier (bqual), up to 64 bytes. Owned.</summary>
    public ReadOnlyMemory<byte> BranchQualifier => _bqual;

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum.</param>
    internal static XaPrepareEvent Parse(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var onePhase = reader.ReadByte() != 0;
        var formatId = reader.ReadInt32();
        var gtridLength = reader.ReadUInt32();
        var bqualLength = reader.ReadUInt32();
        if (gtridLength > MaxXidPartLength || bqualLength > MaxXidPartLength)
            throw BinlogFormatException.Create($"XA_PREPARE xid part lengths {gtridLength}/{bqualLength} exceed {MaxXidPartLength}", reader.Offset - 8);
        var gtrid = reader.ReadBytes((int)gtridLength).ToArray();
        var bqual = reader.ReadBytes((int)bqualLength).ToArray();
        return new XaPrepareEvent(header, onePhase, formatId, gtrid, bqual);
    }
}
