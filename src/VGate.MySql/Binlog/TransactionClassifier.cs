using System.Text;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Binlog;

/// <summary>
/// The one place that decides where event groups (transactions) begin and end in a MySQL or MariaDB binlog. Feed it
/// every event in order — including the events inside an expanded TRANSACTION_PAYLOAD, and not the payload itself —
/// and it returns each event's <see cref="TransactionEventRole"/>. The binlog client (positions), the streamer
/// (BEGIN/COMMIT, savepoints), the copy phase's catch-up and <c>vgate binlog</c> (resume positions) all use it.
/// </summary>
/// <remarks>
/// <para>What the servers write (checked with <c>mariadb-binlog -vv</c> on MariaDB 10.11; MySQL from its source and
/// documentation):</para>
/// <list type="bullet">
/// <item>MariaDB: every group starts with a GTID event. FL_STANDALONE marks a group with no BEGIN/COMMIT (DDL, other
/// statements): its one statement is the group. Any other GTID opens a group (FL_DDL without FL_STANDALONE is a
/// CREATE … SELECT: CREATE, rows, XID) that ends at XID, a COMMIT or ROLLBACK query, XA_PREPARE (FL_PREPARED_XA) or an
/// XA COMMIT / XA ROLLBACK query (FL_COMPLETED_XA, a group of its own).</item>
/// <item>MySQL: a GTID (or anonymous GTID) event precedes every group; the group opens at a BEGIN or XA START query
/// and ends at XID, COMMIT/ROLLBACK, or XA_PREPARE (one_phase set: <c>XA COMMIT … ONE PHASE</c>); without BEGIN the
/// next statement is a group of its own (DDL, XA COMMIT/ROLLBACK of a prepared transaction). The atomic
/// CREATE … SELECT of 8.0.21+ is BEGIN, "CREATE TABLE … START TRANSACTION", rows, XID.</item>
/// <item>MySQL TRANSACTION_PAYLOAD (binlog transaction compression) holds a whole group but its GTID; fed its events
/// the classifier sees that group; fed the payload event itself, it takes it as the group's end.</item>
/// <item>Both: <c>SAVEPOINT x</c> is written inside a group; <c>ROLLBACK TO x</c> only when a non-transactional table
/// changed after the savepoint (otherwise the server drops the rolled-back events from its cache). Neither ends the
/// group, and <c>ROLLBACK TO</c> is never a rollback of the group.</item>
/// </list>
/// </remarks>
public sealed class TransactionClassifier
{
    /// <summary>True while inside a group that has begun and not ended.</summary>
    public bool InGroup { get; private set; }

    /// <summary>The savepoint named by the last event, when its role is a savepoint role (else null).</summary>
    public string? SavepointName { get; private set; }

    /// <summary>
    /// The XA transaction id of the last event, when its role is an XA role (<see cref="TransactionEventRole.XaPrepare"/>,
    /// <see cref="TransactionEventRole.XaCommitOnePhase"/>, <see cref="TransactionEventRole.XaCommit"/>,
    /// <see cref="TransactionEventRole.XaRollback"/>) and the id could be read; else null.
    /// </summary>
    public XaId? Xid { get; private set; }

    /// <summary>
    /// True from the start of an XA transaction's group (a MariaDB GTID with FL_PREPARED_XA, or XA START) to its end,
    /// the end event included: its changes are prepared, not committed, until a later XA COMMIT (or committed by the
    /// end itself for <see cref="TransactionEventRole.XaCommitOnePhase"/>). False again at the next group.
    /// </summary>
    public bool GroupIsXa { get; private set; }

    /// <summary>The role of the event classified last.</summary>
    public TransactionEventRole LastRole { get; private set; }

    /// <summary>Classifies the next event of the log and updates the group state.</summary>
    public TransactionEventRole Classify(BinlogEvent binlogEvent)
    {
        ArgumentNullException.ThrowIfNull(binlogEvent);
        SavepointName = null;
        Xid = null;
        if (binlogEvent is MariaDbGtidEvent or GtidEvent || (LastRole.EndsGroup() && !InGroup))
            GroupIsXa = binlogEvent is MariaDbGtidEvent { IsPreparedXa: true };
        var role = binlogEvent switch
        {
            MariaDbGtidEvent gtid => OnMariaDbGtid(gtid),
            GtidEvent => OnMySqlGtid(),
            XidEvent => TransactionEventRole.Commit,
            XaPrepareEvent prepare => OnXaPrepare(prepare),
            QueryEvent query => OnQuery(query.Query),
            // Fed only when the payload is not expanded: MySQL compresses a whole group but its GTID (BEGIN … XID).
            TransactionPayloadEvent => TransactionEventRole.Commit,
            _ => TransactionEventRole.None,
        };
        if (role == TransactionEventRole.Begin)
            InGroup = true;
        else if (role.EndsGroup())
            InGroup = false;
        LastRole = role;
        return role;
    }

    private TransactionEventRole OnMariaDbGtid(MariaDbGtidEvent gtid)
    {
        // A new GTID starts a new group whatever came before (a truncated group is not continued).
        InGroup = false;
        return gtid.IsStandalone ? TransactionEventRole.None : TransactionEventRole.Begin;
    }

    private TransactionEventRole OnMySqlGtid()
    {
        InGroup = false;
        return TransactionEventRole.None;
    }

    private TransactionEventRole OnXaPrepare(XaPrepareEvent prepare)
    {
        Xid = XaId.From(prepare);
        return prepare.OnePhase ? TransactionEventRole.XaCommitOnePhase : TransactionEventRole.XaPrepare;
    }

    private TransactionEventRole OnQuery(string sql)
    {
        var role = Statement(sql, out var savepoint, out var xid);
        SavepointName = savepoint;
        Xid = xid;
        return role;
    }

    private TransactionEventRole Statement(string sql, out string? savepoint, out XaId? xid)
    {
        savepoint = null;
        xid = null;
        var words = new Words(sql);
        switch (words.Next())
        {
            case "BEGIN":
                return InGroup ? TransactionEventRole.None : TransactionEventRole.Begin;
            case "START" when words.Next() == "TRANSACTION":
                return InGroup ? TransactionEventRole.None : TransactionEventRole.Begin;
            case "COMMIT":
                return TransactionEventRole.Commit;
            case "ROLLBACK":
                {
                    var mark = words.Position;
                    var next = words.Next();
                    if (next == "WORK")
                    {
                        mark = words.Position;
                        next = words.Next();
                    }
                    if (next != "TO")
                    {
                        words.Position = mark;
                        return TransactionEventRole.Rollback;
                    }
                    words.Skip("SAVEPOINT");
                    savepoint = words.Identifier();
                    return TransactionEventRole.RollbackToSavepoint;
                }
            case "SAVEPOINT":
                savepoint = words.Identifier();
                return TransactionEventRole.Savepoint;
            case "RELEASE" when words.Next() == "SAVEPOINT":
                savepoint = words.Identifier();
                return TransactionEventRole.ReleaseSavepoint;
            case "XA":
                switch (words.Next())
                {
                    case "START" or "BEGIN":
                        GroupIsXa = true;
                        return InGroup ? TransactionEventRole.None : TransactionEventRole.Begin;
                    case "COMMIT":
                        {
                            var rest = words.Rest();
                            var onePhase = EndsWithOnePhase(ref rest);
                            xid = ReadXid(rest);
                            return onePhase ? TransactionEventRole.XaCommitOnePhase : TransactionEventRole.XaCommit;
                        }
                    case "ROLLBACK":
                        xid = ReadXid(words.Rest());
                        return TransactionEventRole.XaRollback;
                    case "PREPARE":
                        xid = ReadXid(words.Rest());
                        return TransactionEventRole.XaPrepare;
                    default:
                        // XA END (written before XA_PREPARE) and anything else: a statement of the group.
                        return InGroup ? TransactionEventRole.None : TransactionEventRole.Standalone;
                }
            default:
                return InGroup ? TransactionEventRole.None : TransactionEventRole.Standalone;
        }
    }

    private static bool EndsWithOnePhase(ref ReadOnlySpan<char> rest)
    {
        var trimmed = rest.TrimEnd();
        if (!trimmed.EndsWith("PHASE", StringComparison.OrdinalIgnoreCase))
            return false;
        var before = trimmed[..^"PHASE".Length].TrimEnd();
        if (!before.EndsWith("ONE", StringComparison.OrdinalIgnoreCase))
            return false;
        rest = before[..^"ONE".Length];
        return true;
    }

    private static XaId? ReadXid(ReadOnlySpan<char> text) => XaId.TryParse(text.Trim(), out var id) ? id : null;

    /// <summary>Reads the words of a statement's head: upper-cased keywords, identifiers; skips white space and comments.</summary>
    private ref struct Words(string text)
    {
        private readonly string _text = text;

        public int Position { get; set; }

        /// <summary>The next bare word in upper case, or null when the next token is not a word.</summary>
        public string? Next()
        {
            SkipSpace();
            var start = Position;
            while (Position < _text.Length && (char.IsAsciiLetterOrDigit(_text[Position]) || _text[Position] == '_'))
                Position++;
            return Position > start ? _text[start..Position].ToUpperInvariant() : null;
        }

        public void Skip(string word)
        {
            var mark = Position;
            if (Next() != word)
                Position = mark;
        }

        /// <summary>A back-quoted or bare identifier, or null.</summary>
        public string? Identifier()
        {
            SkipSpace();
            if (Position >= _text.Length)
                return null;
            if (_text[Position] == '`')
            {
                var name = new StringBuilder();
                for (var i = Position + 1; i < _text.Length; i++)
                {
                    if (_text[i] != '`')
                    {
                        name.Append(_text[i]);
                        continue;
                    }
                    if (i + 1 < _text.Length && _text[i + 1] == '`')
                    {
                        name.Append('`');
                        i++;
                        continue;
                    }
                    Position = i + 1;
                    return name.ToString();
                }
                return null;
            }
            var start = Position;
            while (Position < _text.Length && (char.IsLetterOrDigit(_text[Position]) || _text[Position] is '_' or '$'))
                Position++;
            return Position > start ? _text[start..Position] : null;
        }

        public readonly ReadOnlySpan<char> Rest() => _text.AsSpan(Position);

        private void SkipSpace()
        {
            while (Position < _text.Length)
            {
                var c = _text[Position];
                if (char.IsWhiteSpace(c))
                {
                    Position++;
                }
                else if (c == '/' && Position + 2 < _text.Length && _text[Position + 1] == '*' && _text[Position + 2] != '!' && _text[Position + 2] != 'M')
                {
                    // A plain comment; executable comments (/*! … */, /*M! … */) hold statement text and end the head.
                    var end = _text.IndexOf("*/", Position + 2, StringComparison.Ordinal);
                    Position = end < 0 ? _text.Length : end + 2;
                }
                else
                {
                    return;
                }
            }
        }
    }
}
