using System.Text;
using VGate.MySql.Protocol;

namespace VGate.MySql.Binlog.Events;

/// <summary>
/// The commonly needed status variables of a QUERY event, parsed from its raw status-variable block. Each property is
/// <c>null</c> when the variable was absent. Parsing stops at the first code it does not know (codes carry no length),
/// so variables after an unknown one are left unparsed; <see cref="IsComplete"/> says whether that happened. The raw
/// block is always available from <see cref="QueryEvent.StatusVariables"/>.
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Query__event.html and
/// https://mariadb.com/kb/en/query_event/
/// </summary>
public sealed class QueryStatusVariables
{
    private const byte FlagsCode = 0;
    private const byte SqlModeCode = 1;
    private const byte CatalogCode = 2;
    private const byte AutoIncrementCode = 3;
    private const byte CharsetCode = 4;
    private const byte TimeZoneCode = 5;
    private const byte CatalogNzCode = 6;
    private const byte LcTimeNamesCode = 7;
    private const byte CharsetDatabaseCode = 8;
    private const byte TableMapForUpdateCode = 9;
    private const byte MasterDataWrittenCode = 10;
    private const byte InvokerCode = 11;
    private const byte UpdatedDbNamesCode = 12;
    private const byte MicrosecondsCode = 13;
    private const byte CommitTsCode = 14;
    private const byte CommitTs2Code = 15;
    private const byte ExplicitDefaultsForTimestampCode = 16;
    private const byte DdlLoggedWithXidCode = 17;
    private const byte DefaultCollationForUtf8mb4Code = 18;
    private const byte SqlRequirePrimaryKeyCode = 19;
    private const byte DefaultTableEncryptionCode = 20;
    private const byte MariaDbHrNowCode = 128;
    private const byte MariaDbXidCode = 129;
    private const byte MariaDbGtidFlags3Code = 130;

    // Q_UPDATED_DB_NAMES count meaning "more databases than listed; none follow".
    private const byte OverMaxDbsInEventMts = 254;

    internal static readonly QueryStatusVariables Empty = new() { IsComplete = true };

    /// <summary>Q_FLAGS2_CODE: the session option bits (OPTION_AUTO_IS_NULL, OPTION_NOT_AUTOCOMMIT, …).</summary>
    public uint? Flags2 { get; private init; }

    /// <summary>Q_SQL_MODE_CODE: the session sql_mode bits.</summary>
    public ulong? SqlMode { get; private init; }

    /// <summary>Q_CATALOG_CODE / Q_CATALOG_NZ_CODE: the catalog (always "std").</summary>
    public string? Catalog { get; private init; }

    /// <summary>Q_AUTO_INCREMENT: auto_increment_increment.</summary>
    public ushort? AutoIncrementIncrement { get; private init; }

    /// <summary>Q_AUTO_INCREMENT: auto_increment_offset.</summary>
    public ushort? AutoIncrementOffset { get; private init; }

    /// <summary>Q_CHARSET_CODE: character_set_client (a collation id).</summary>
    public ushort? CharacterSetClient { get; private init; }

    /// <summary>Q_CHARSET_CODE: collation_connection.</summary>
    public ushort? CollationConnection { get; private init; }

    /// <summary>Q_CHARSET_CODE: collation_server.</summary>
    public ushort? CollationServer { get; private init; }

    /// <summary>Q_TIME_ZONE_CODE: the session time_zone.</summary>
    public string? TimeZone { get; private init; }

    /// <summary>Q_LC_TIME_NAMES_CODE: lc_time_names number.</summary>
    public ushort? LcTimeNames { get; private init; }

    /// <summary>Q_CHARSET_DATABASE_CODE: collation_database.</summary>
    public ushort? CollationDatabase { get; private init; }

    /// <summary>Q_TABLE_MAP_FOR_UPDATE_CODE: bitmap of the tables a multi-table update changes.</summary>
    public ulong? TableMapForUpdate { get; private init; }

    /// <summary>Q_INVOKER: the definer user of a stored routine/view statement.</summary>
    public string? InvokerUser { get; private init; }

    /// <summary>Q_INVOKER: the definer host.</summary>
    public string? InvokerHost { get; private init; }

    /// <summary>Q_UPDATED_DB_NAMES: the databases the statement changed (empty when the server listed too many).</summary>
    public IReadOnlyList<string>? UpdatedDatabases { get; private init; }

    /// <summary>Q_MICROSECONDS (MySQL) / Q_HRNOW (MariaDB): microseconds of the statement start time.</summary>
    public uint? Microseconds { get; private init; }

    /// <summary>Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP.</summary>
    public bool? ExplicitDefaultsForTimestamp { get; private init; }

    /// <summary>Q_DDL_LOGGED_WITH_XID (MySQL 8) or Q_XID (MariaDB): the xid of an atomic DDL.</summary>
    public ulong? DdlXid { get; private init; }

    /// <summary>Q_DEFAULT_COLLATION_FOR_UTF8MB4.</summary>
    public ushort? DefaultCollationForUtf8mb4 { get; private init; }

    /// <summary>Q_SQL_REQUIRE_PRIMARY_KEY.</summary>
    public bool? SqlRequirePrimaryKey { get; private init; }

    /// <summary>Q_DEFAULT_TABLE_ENCRYPTION.</summary>
    public bool? DefaultTableEncryption { get; private init; }

    /// <summary>Q_GTID_FLAGS3 (MariaDB).</summary>
    public byte? GtidFlags3 { get; private init; }

    /// <summary>False when parsing stopped at a status-variable code this version does not know.</summary>
    public bool IsComplete { get; private init; }

    internal static QueryStatusVariables Parse(ReadOnlySpan<byte> block)
    {
        if (block.IsEmpty)
            return Empty;

        var reader = new PacketReader(block);
        uint? flags2 = null, microseconds = null;
        ulong? sqlMode = null, tableMapForUpdate = null, ddlXid = null;
        string? catalog = null, timeZone = null, invokerUser = null, invokerHost = null;
        ushort? incIncrement = null, incOffset = null, csClient = null, collConnection = null, collServer = null;
        ushort? lcTimeNames = null, collDatabase = null, utf8mb4 = null;
        bool? explicitDefaults = null, requirePk = null, tableEncryption = null;
        byte? gtidFlags3 = null;
        List<string>? updatedDbs = null;
        var complete = true;

        while (reader.Remaining > 0 && complete)
        {
            var code = reader.ReadByte();
            switch (code)
            {
                case FlagsCode:
                    flags2 = reader.ReadUInt32();
                    break;
                case SqlModeCode:
                    sqlMode = reader.ReadUInt64();
                    break;
                case CatalogCode:
                    catalog = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
                    reader.Skip(1);
                    break;
                case AutoIncrementCode:
                    incIncrement = reader.ReadUInt16();
                    incOffset = reader.ReadUInt16();
                    break;
                case CharsetCode:
                    csClient = reader.ReadUInt16();
                    collConnection = reader.ReadUInt16();
                    collServer = reader.ReadUInt16();
                    break;
                case TimeZoneCode:
                    timeZone = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
                    break;
                case CatalogNzCode:
                    catalog = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
                    break;
                case LcTimeNamesCode:
                    lcTimeNames = reader.ReadUInt16();
                    break;
                case CharsetDatabaseCode:
                    collDatabase = reader.ReadUInt16();
                    break;
                case TableMapForUpdateCode:
                    tableMapForUpdate = reader.ReadUInt64();
                    break;
                case MasterDataWrittenCode:
                    reader.Skip(4);
                    break;
                case InvokerCode:
                    invokerUser = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
                    invokerHost = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()));
                    break;
                case UpdatedDbNamesCode:
                    var count = reader.ReadByte();
                    updatedDbs = [];
                    if (count != OverMaxDbsInEventMts)
                    {
                        for (var i = 0; i < count; i++)
                            updatedDbs.Add(Encoding.UTF8.GetString(reader.ReadNullTerminatedBytes()));
                    }

                    break;
                case MicrosecondsCode:
                case MariaDbHrNowCode:
                    microseconds = reader.ReadUInt24();
                    break;
                case CommitTsCode:
                case CommitTs2Code:
                    // Reserved codes never written by released servers; their length is unknown.
                    complete = false;
                    break;
                case ExplicitDefaultsForTimestampCode:
                    explicitDefaults = reader.ReadByte() != 0;
                    break;
                case DdlLoggedWithXidCode:
                case MariaDbXidCode:
                    ddlXid = reader.ReadUInt64();
                    break;
                case DefaultCollationForUtf8mb4Code:
                    utf8mb4 = reader.ReadUInt16();
                    break;
                case SqlRequirePrimaryKeyCode:
                    requirePk = reader.ReadByte() != 0;
                    break;
                case DefaultTableEncryptionCode:
                    tableEncryption = reader.ReadByte() != 0;
                    break;
                case MariaDbGtidFlags3Code:
                    gtidFlags3 = reader.ReadByte();
                    break;
                default:
                    complete = false;
                    break;
            }
        }

        return new QueryStatusVariables
        {
            Flags2 = flags2,
            SqlMode = sqlMode,
            Catalog = catalog,
            AutoIncrementIncrement = incIncrement,
            AutoIncrementOffset = incOffset,
            CharacterSetClient = csClient,
            CollationConnection = collConnection,
            CollationServer = collServer,
            TimeZone = timeZone,
            LcTimeNames = lcTimeNames,
            CollationDatabase = collDatabase,
            TableMapForUpdate = tableMapForUpdate,
            InvokerUser = invokerUser,
            InvokerHost = invokerHost,
            UpdatedDatabases = updatedDbs,
            Microseconds = microseconds,
            ExplicitDefaultsForTimestamp = explicitDefaults,
            DdlXid = ddlXid,
            DefaultCollationForUtf8mb4 = utf8mb4,
            SqlRequirePrimaryKey = requirePk,
            DefaultTableEncryption = tableEncryption,
            GtidFlags3 = gtidFlags3,
            IsComplete = complete,
        };
    }
}
