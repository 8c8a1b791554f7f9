using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.Rows;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;
using VGate.VStreamer.Schema;

namespace VGate.VStreamer.Tests.Schema;

/// <summary>
/// The Vitess field description derived from a real MariaDB TABLE_MAP: the column type text must equal what
/// information_schema says (up to integer display widths), and types, flags and lengths follow MySQL's metadata.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ColumnDescriberTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    private async Task<(IReadOnlyList<ColumnInfo> Columns, SchemaCatalog Catalog)> CaptureAsync(string db, string table, string columns, string values)
    {
        var server = fixture.Server;
        await server.ExecuteAsync($"CREATE TABLE {db}.{table} ({columns})");
        var start = BinlogStartPosition.Parse("MariaDB/" + await server.GetGtidBinlogPosAsync());
        await server.ExecuteAsync($"INSERT INTO {db}.{table} VALUES ({values})");
        using var deadline = TestDeadline.CreateTokenSource();
        await using var client = new BinlogClient(new BinlogClientOptions
        {
            Connection = MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()),
            Start = start,
            StopAtEnd = true,
        });
        IReadOnlyList<ColumnInfo>? captured = null;
        await foreach (var binlogEvent in client.ReadEventsAsync(deadline.Token))
        {
            if (binlogEvent is TableMapEvent map && map.Table == table)
                captured = map.Columns;
        }
        await using var connection = await MySqlProtocolConnection.ConnectAsync(MySqlConnectionOptions.Parse(server.ReplicationUri.ToString()));
        return (captured!, await SchemaCatalog.LoadAsync(connection, db, deadline.Token));
    }

    [ServerFact]
    public async Task Describe_EveryMariaDbType_DerivedColumnTypeEqualsInformationSchema()
    {
        var db = await fixture.CreateDatabaseAsync();
        const string columns = """
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT NOT NULL DEFAULT 3,
            mi MEDIUMINT UNSIGNED, i INT, z INT(5) UNSIGNED ZEROFILL, f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(65,30) UNSIGNED,
            b1 BIT(1), b13 BIT(13), y YEAR, dt DATE, tm TIME, tm3 TIME(3), dtm DATETIME(6), ts TIMESTAMP(2) NULL,
            c CHAR(10), vc VARCHAR(64), vl VARCHAR(20) CHARACTER SET latin1, bin BINARY(4), vb VARBINARY(50),
            tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
            e ENUM('a','it''s','large'), s SET('x','y'), j JSON, g GEOMETRY, p POINT, u VARCHAR(10) UNIQUE, k INT, KEY (k)
            """;
        var (binlogColumns, catalog) = await CaptureAsync(db, "everything", columns,
            "NULL, 1, 2, 3, 4, 5, 6, 1.5, 2.5, 3.25, 4, b'1', b'1', 2026, '2026-11-25', '10:00:00', '10:00:00.123', NOW(6), NOW(2), " +
            "'c', 'vc', 'vl', x'01', x'02', 'tt', 'tx', 'mt', 'lt', x'03', x'04', x'05', x'06', 'large', 'x,y', '{}', POINT(1,1), POINT(2,2), 'u', 7");
        var catalogColumns = catalog.GetColumns("everything")!;

        Assert.Equal(catalogColumns.Count, binlogColumns.Count);
        for (var i = 0; i < binlogColumns.Count; i++)
        {
            var derived = ColumnDescriber.DeriveColumnType(binlogColumns[i]);
            Assert.True(ColumnDescriber.Normalize(catalogColumns[i].ColumnType) == ColumnDescriber.Normalize(derived),
                $"{catalogColumns[i].Name}: information_schema says '{catalogColumns[i].ColumnType}', binlog gives '{derived}'");
            Assert.Equal(catalogColumns[i].ColumnType, ColumnDescriber.Describe(binlogColumns[i], catalogColumns[i]).ColumnType);
        }
    }

    [ServerFact]
    public async Task Describe_KeysDefaultsAndTypes_MatchMySqlMetadataConventions()
    {
        var db = await fixture.CreateDatabaseAsync();
        var (columns, catalog) = await CaptureAsync(db, "keys",
            "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, code CHAR(4) UNIQUE, raw VARBINARY(8), amount DECIMAL(10,2) UNSIGNED, at TIMESTAMP(3) NULL",
            "NULL, 'n', 'c', x'00', 1.5, NULL");
        var described = columns.Select((c, i) => ColumnDescriber.Describe(c, catalog.GetColumns("keys")![i])).ToList();

        var id = described[0];
        Assert.Equal(VitessType.Int64, id.VitessType);
        // NOT_NULL | PRI_KEY | AUTO_INCREMENT | PART_KEY | NUM, the combination Vitess documents for such a key.
        Assert.Equal(49667u, id.Flags);
        Assert.Equal(63u, id.Charset);

        var name = described[1];
        Assert.Equal(VitessType.Varchar, name.VitessType);
        Assert.Equal(256u, name.ColumnLength);
        Assert.Equal("varchar(64)", name.ColumnType);
        Assert.Equal((uint)(MySqlFlags.NotNull | MySqlFlags.NoDefaultValue), name.Flags);
        Assert.NotEqual(63u, name.Charset);

        Assert.Equal((uint)(MySqlFlags.UniqueKey | MySqlFlags.PartKey), described[2].Flags);
        Assert.Equal(VitessType.Char, described[2].VitessType);
        Assert.Equal(VitessType.Varbinary, described[3].VitessType);
        Assert.Equal(63u, described[3].Charset);
        Assert.Equal(VitessType.Decimal, described[4].VitessType);
        Assert.Equal(2u, described[4].Decimals);
        Assert.Equal(11u, described[4].ColumnLength);
        Assert.Equal(VitessType.Timestamp, described[5].VitessType);
        Assert.Equal(3u, described[5].Decimals);
        Assert.Equal(23u, described[5].ColumnLength);
    }

    [ServerFact]
    public async Task Describe_CatalogDescribesANewerSchema_FallsBackToTheBinlogDescription()
    {
        var db = await fixture.CreateDatabaseAsync();
        var (columns, _) = await CaptureAsync(db, "altered", "id INT PRIMARY KEY, v VARCHAR(10)", "1, 'a'");
        await fixture.Server.ExecuteAsync($"ALTER TABLE {db}.altered MODIFY v VARCHAR(30)");
        await using var connection = await MySqlProtocolConnection.ConnectAsync(MySqlConnectionOptions.Parse(fixture.Server.ReplicationUri.ToString()));
        var catalog = await SchemaCatalog.LoadAsync(connection, db, CancellationToken.None);

        var v = ColumnDescriber.Describe(columns[1], catalog.GetColumns("altered")![1]);

        Assert.Equal("varchar(10)", v.ColumnType);
        Assert.Equal(40u, v.ColumnLength);
    }
}
