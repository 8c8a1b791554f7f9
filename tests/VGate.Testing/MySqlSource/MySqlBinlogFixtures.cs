namespace VGate.Testing.MySqlSource;

/// <summary>
/// The binlog files real MySQL servers wrote, kept in the repository at <c>tests/TestData/mysql</c> (see PROVENANCE.md
/// there): found from the test assembly's folder upwards, so tests need no copy of them.
/// </summary>
public static class MySqlBinlogFixtures
{
    /// <summary>8.0.28, GTIDs <c>93e95066-a2f4-11ec-9b69-9657f0ae95e2:1-5</c>, empty PREVIOUS_GTIDS: ALTER USER, CREATE TABLE mysql.t, then an INSERT, UPDATE and DELETE of t.</summary>
    public const string EnumStringSet = "rust_mysql_common/mysql-enum-string-set.000001";

    /// <summary>8.0.31, PREVIOUS_GTIDS <c>76f3e7be-6720-11ed-9cad-0242ac110002:1-10</c>, GTIDs 11-13: a CREATE TABLE and two TRANSACTION_PAYLOADs.</summary>
    public const string CompressedPayloads = "mysql-binlog-connector-rust/mysql-bin.000057";

    /// <summary>8.0.26, GTIDs <c>fbda2ad0-7c46-11ec-ae30-4ef7efc81a2a:1-3</c>: CREATE TABLE mysql.foo(a BIT(3), b TEXT, c BIT(8)) and one INSERT.</summary>
    public const string TypeBit = "rust_mysql_common/mysql_type_bit.000001";

    /// <summary>9.6.0, tagged GTIDs: PREVIOUS_GTIDS <c>55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2</c>, one INSERT as GTID <c>…:mytag:3</c>.</summary>
    public const string TaggedGtids = "rust_mysql_common/binlog_transaction_with_GTID_TAG.000001";

    /// <summary>5.7.40, PREVIOUS_GTIDS <c>58cf6502-63db-11ed-8079-0242ac110002:1-52</c>, GTIDs 53-62.</summary>
    public const string MySql57 = "mysql-binlog-connector-rust/mysql-bin.000080";

    /// <summary>The absolute path of a file under <c>tests/TestData/mysql</c>.</summary>
    public static string PathOf(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "TestData", "mysql", relative.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"tests/TestData/mysql/{relative} not found above {AppContext.BaseDirectory}.");
    }
}
