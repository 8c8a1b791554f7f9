using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class QueryEventTests
{
    [Fact]
    public void Parse_MySqlBegin_StatusVariablesAndText()
    {
        var queries = EventsIn.File<QueryEvent>("mysql/rust_mysql_common/mysql-enum-string-set.000001");
        var create = queries.Single(q => q.Query.StartsWith("CREATE TABLE t(", StringComparison.Ordinal));

        Assert.Equal("mysql", create.Database);
        Assert.Equal(0, create.ErrorCode);
        Assert.False(create.IsCompressed);
        Assert.True(create.Status.IsComplete);
        Assert.Equal("std", create.Status.Catalog);
        Assert.Equal((ushort)255, create.Status.CharacterSetClient);
        Assert.Equal((ushort)255, create.Status.CollationConnection);
        Assert.Equal((ushort)255, create.Status.CollationServer);
        Assert.Equal(["mysql"], create.Status.UpdatedDatabases);
        Assert.NotNull(create.Status.DdlXid);
        Assert.Equal((ushort)255, create.Status.DefaultCollationForUtf8mb4);
        Assert.Equal(create.StatusVariables.Length, create.StatusVariables.ToArray().Length);

        Assert.Contains(queries, q => q.Query == "BEGIN");
        var alter = queries.Single(q => q.Query.StartsWith("ALTER USER", StringComparison.Ordinal));
        Assert.Equal("root", alter.Status.InvokerUser);
        Assert.Equal("localhost", alter.Status.InvokerHost);
        Assert.Equal("SYSTEM", alter.Status.TimeZone);
    }

    [Fact]
    public void Parse_MariaDbQueryCompressed_SameStatementAsUncompressed()
    {
        var plain = EventsIn.File<QueryEvent>("mariadb/mariadb-10.11-rows.000001").Single(q => q.Database == "plain" && q.Query.StartsWith("CREATE TABLE t", StringComparison.Ordinal));
        var packed = EventsIn.File<QueryEvent>("mariadb/mariadb-10.11-compressed.000002").Single(q => q.Query.StartsWith("CREATE TABLE t", StringComparison.Ordinal));

        Assert.Equal(EventType.MariaDbQueryCompressed, packed.Type);
        Assert.True(packed.IsCompressed);
        Assert.False(plain.IsCompressed);
        Assert.Equal("packed", packed.Database);
        Assert.Equal(plain.Query, packed.Query);
        Assert.Contains("cl CHAR(5) CHARACTER SET latin1", packed.Query, StringComparison.Ordinal);
        Assert.Equal((ushort)8, packed.Status.CollationServer);
        Assert.NotNull(packed.Status.DdlXid);
    }

    [Fact]
    public void Parse_TruncatedCompressedQuery_ThrowsFormatException()
    {
        var parser = new BinlogEventParser(ChecksumAlgorithm.None);
        // thread id, exec time, db len 0, error 0, status len 0, db "\0", then a compressed envelope claiming 100 bytes.
        byte[] body = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 100, 0x78, 0x9c, 0x01];
        Assert.Throws<BinlogFormatException>(() => parser.Parse(TestData.BuildEvent(EventType.MariaDbQueryCompressed, body, crc: false)));
    }
}
