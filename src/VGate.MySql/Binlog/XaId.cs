using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Binlog;

/// <summary>
/// The id of an XA transaction (X/Open XA <c>xid</c>): format id, global transaction id (gtrid) and branch qualifier
/// (bqual), each part up to 64 bytes. Two ids are equal when all three parts are.
/// </summary>
/// <remarks>
/// <para>Servers write the id in binlog statements as <c>X'gtrid-hex',X'bqual-hex',format</c>, for example
/// <c>XA COMMIT X'7831',X'',1</c> for <c>XA COMMIT 'x1'</c> (MariaDB 10.5+ and MySQL 5.7+ both do);
/// <see cref="ToString"/> gives that form and <see cref="TryParse(ReadOnlySpan{char}, out XaId)"/> reads it, as well as
/// the quoted-string form <c>'x1','',1</c> a person would type.</para>
/// <para>See https://dev.mysql.com/doc/refman/8.4/en/xa-statements.html and https://mariadb.com/kb/en/xa-transactions/</para>
/// </remarks>
public readonly struct XaId : IEquatable<XaId>
{
    /// <summary>The largest gtrid or bqual, in bytes (MAXGTRIDSIZE / MAXBQUALSIZE).</summary>
    public const int MaxPartLength = 64;

    private readonly byte[]? _gtrid;
    private readonly byte[]? _bqual;

    /// <summary>Creates an id; the parts are copied.</summary>
    /// <exception cref="ArgumentException">A part is longer than <see cref="MaxPartLength"/> bytes.</exception>
    public XaId(int formatId, ReadOnlySpan<byte> gtrid, ReadOnlySpan<byte> bqual)
    {
        if (gtrid.Length > MaxPartLength || bqual.Length > MaxPartLength)
            throw new ArgumentException($"An XA gtrid or bqual has at most {MaxPartLength} bytes (got {gtrid.Length} and {bqual.Length}).");
        FormatId = formatId;
        _gtrid = gtrid.ToArray();
        _bqual = bqual.ToArray();
    }

    /// <summary>The format id (1 unless the application chose another).</summary>
    public int FormatId { get; }

    /// <summary>The global transaction id.</summary>
    public ReadOnlySpan<byte> GlobalTransactionId => _gtrid;

    /// <summary>The branch qualifier (often empty).</summary>
    public ReadOnlySpan<byte> BranchQualifier => _bqual;

    public static bool operator ==(XaId left, XaId right) => left.Equals(right);

    public static bool operator !=(XaId left, XaId right) => !left.Equals(right);

    /// <summary>The id an XA_PREPARE event carries.</summary>
    public static XaId From(XaPrepareEvent prepare)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        return new XaId(prepare.FormatId, prepare.GlobalTransactionId.Span, prepare.BranchQualifier.Span);
    }

    /// <summary>The id a MariaDB GTID event of an XA group carries (FL_PREPARED_XA or FL_COMPLETED_XA), or null.</summary>
    public static XaId? From(MariaDbGtidEvent gtid)
    {
        ArgumentNullException.ThrowIfNull(gtid);
        return gtid.XaFormatId is { } format ? new XaId(format, gtid.XaGtrid.Span, gtid.XaBqual.Span) : null;
    }

    /// <summary>
    /// Reads the id after an XA keyword: <c>X'hex',X'hex',format</c> or <c>'text'[,'text'[,format]]</c>, each part
    /// optional after the first as in the SQL grammar (bqual defaults to empty, format to 1). Text after the id (such
    /// as <c> ONE PHASE</c>) is allowed and ignored.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out XaId id)
    {
        id = default;
        var rest = text.TrimStart();
        if (!TryReadPart(ref rest, out var gtrid))
            return false;
        byte[] bqual = [];
        var format = 1;
        if (TrySkipComma(ref rest))
        {
            if (!TryReadPart(ref rest, out bqual))
                return false;
            if (TrySkipComma(ref rest))
            {
                var digits = 0;
                while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || (digits == 0 && rest[0] == '-')))
                    digits++;
                if (!int.TryParse(rest[..digits], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out format))
                    return false;
                rest = rest[digits..];
            }
        }
        if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]) && rest[0] != ';')
            return false;
        if (gtrid.Length > MaxPartLength || bqual.Length > MaxPartLength)
            return false;
        id = new XaId(format, gtrid, bqual);
        return true;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out XaId)"/>
    /// <exception cref="FormatException">The text is not an XA id; the message quotes it.</exception>
    public static XaId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var id) ? id : throw new FormatException($"Invalid XA transaction id \"{text}\".");
    }

    /// <summary>
    /// Reads the id of an <c>XA COMMIT …</c> or <c>XA ROLLBACK …</c> statement as the server writes it in the binlog.
    /// </summary>
    /// <returns>False when the statement is not an XA COMMIT / XA ROLLBACK or its id does not parse.</returns>
    public static bool TryParseFromStatement(ReadOnlySpan<char> statement, out XaId id)
    {
        id = default;
        var sql = statement.TrimStart();
        if (!StartsWithWord(sql, "XA"))
            return false;
        sql = sql[2..].TrimStart();
        if (StartsWithWord(sql, "COMMIT"))
            sql = sql[6..];
        else if (StartsWithWord(sql, "ROLLBACK"))
            sql = sql[8..];
        else
            return false;
        return TryParse(sql, out id);
    }

    public bool Equals(XaId other) =>
        FormatId == other.FormatId &&
        GlobalTransactionId.SequenceEqual(other.GlobalTransactionId) &&
        BranchQualifier.SequenceEqual(other.BranchQualifier);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is XaId other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(FormatId);
        hash.AddBytes(GlobalTransactionId);
        hash.Add(GlobalTransactionId.Length);
        hash.AddBytes(BranchQualifier);
        return hash.ToHashCode();
    }

    /// <summary>The server's binlog form: <c>X'7831',X'',1</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(16 + (GlobalTransactionId.Length + BranchQualifier.Length) * 2);
        text.Append("X'").Append(Convert.ToHexString(GlobalTransactionId)).Append("',X'")
            .Append(Convert.ToHexString(BranchQualifier)).Append("',").Append(FormatId.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static bool TryReadPart(ref ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        var hex = text.Length > 0 && (text[0] == 'X' || text[0] == 'x') && text.Length > 1 && text[1] == '\'';
        var body = hex ? text[1..] : text;
        if (body.Length == 0 || body[0] != '\'')
            return false;
        var end = body[1..].IndexOf('\'');
        if (end < 0)
            return false;
        var content = body.Slice(1, end);
        text = body[(end + 2)..].TrimStart();
        if (hex)
        {
            if (content.Length % 2 != 0)
                return false;
            try
            {
                bytes = Convert.FromHexString(content);
            }
            catch (FormatException)
            {
                return false;
            }
            return true;
        }
        // A quoted part as typed: the server itself always writes the hex form, so escapes are not expected here.
        if (content.Contains('\\'))
            return false;
        bytes = Encoding.UTF8.GetBytes(content.ToString());
        return true;
    }

    private static bool TrySkipComma(ref ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || text[0] != ',')
            return false;
        text = text[1..].TrimStart();
        return true;
    }

    private static bool StartsWithWord(ReadOnlySpan<char> text, string word) =>
        text.StartsWith(word, StringComparison.OrdinalIgnoreCase) &&
        (text.Length == word.Length || !char.IsAsciiLetterOrDigit(text[word.Length]));
}
