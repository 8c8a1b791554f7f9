using System.Globalization;
using System.Text;
using MySqlConnector;
using VGate.MySql;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>Server with a packet limit large enough for 20 MB rows.</summary>
public sealed class LargePacketFixture() : MariaDbFixture(new MariaDbServerOptions
{
    Name = "binlog-client",
    ExtraArguments = ["--max-allowed-packet=256M"],
});

/// <summary>
/// The replication client against a real MariaDB: every column type decoded and compared with what SELECT
/// returns, transactions, DDL, rotation, exact resume, and the failures a user can hit.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BinlogClientTests(LargePacketFixture fixture) : IClassFixture<LargePacketFixture>
{
    private MariaDbServer Server => fixture.Server;

    private async Task<BinlogStartPosition> CurrentAsync() =>
        BinlogStartPosition.Parse("MariaDB/" + await Server.GetGtidBinlogPosAsync());

    private static IEnumerable<CapturedEvent> RowEvents(IEnumerable<CapturedEvent> events, string table) =>
        events.Where(e => e.Table == table && e.Rows.Count > 0);

    [ServerFact]
    public async Task ReadEvents_EveryColumnType_DecodesWhatSelectReturns()
    {
        var db = await fixture.CreateDatabaseAsync();
        const string columns = """
            id INT PRIMARY KEY,
            ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
            i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
            f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(65,30), dec3 DECIMAL(5,0),
            b1 BIT(1), b13 BIT(13), b64 BIT(64), y YEAR,
            dt DATE, tm TIME, tm3 TIME(3), tm6 TIME(6), dtm DATETIME, dtm2 DATETIME(2), dtm6 DATETIME(6),
            ts TIMESTAMP NULL, ts4 TIMESTAMP(4) NULL,
            c CHAR(10), vc VARCHAR(300), c_latin1 VARCHAR(20) CHARACTER SET latin1, c_bin BINARY(4), vb VARBINARY(50),
            tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
            e ENUM('small','medium','large'), s SET('a','b','c','d','e','f','g','h','i'),
            j JSON, g GEOMETRY, p POINT
            """;
        await Server.ExecuteAsync($"CREATE TABLE {db}.types ({columns})");
        var start = await CurrentAsync();

        await Server.ExecuteAsync($$$"""
            SET time_zone = '+00:00';
            INSERT INTO {{{db}}}.types VALUES
            (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
             -3.40282e38, -1.7976931348623157e308, -12345678.90, -12345678901234567890123456789012345.123456789012345678901234567890, -99999,
             b'1', b'1010101010101', b'1111111111111111111111111111111111111111111111111111111111111111', 1901,
             '1000-01-01', '-838:59:59', '-00:00:00.001', '838:59:59.000000', '1000-01-01 00:00:00', '9999-12-31 23:59:59.99', '2026-11-25 10:11:12.123456',
             '1970-01-01 00:00:01', '2038-01-19 03:14:07.9999',
             'abc', REPEAT('ü', 300), 'Grüße €', x'00010203', x'', 'tiny', 'text', 'medium', 'long', x'ff', x'00ff', x'', x'deadbeef',
             'large', 'a,c,i', '{"k": [1, 2.5, "x", null, true]}', ST_GeomFromText('LINESTRING(0 0, 1 1, 2 5)'), POINT(1.5, -2.25)),
            (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
             1.5, 2.2250738585072014e-308, 0.01, 0.000000000000000000000000000001, 0,
             b'0', b'0', b'0', 2155,
             '9999-12-31', '00:00:00', '12:34:56.789', '-12:00:00.000001', '2026-01-01 00:00:00', '2026-01-01 00:00:00.01', '2026-01-01 00:00:00.000001',
             '2038-01-19 03:14:07', '2000-02-29 12:00:00.5',
             '', '', '', x'ffffffff', x'00', '', '', '', '', '', '', '', '',
             'small', '', '[]', ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))'), POINT(0, 0)),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL),
            (4, 0, 1, -1, 1, -1, 1, -1, 1, -1, 1,
             3.14159, 0.1, 99.99, 1, 12345,
             b'1', b'1', b'1000000000000000000000000000000000000000000000000000000000000000', 2000,
             '2024-02-29', '-01:02:03', '23:59:59.999', '-838:59:58.999999', '0000-00-00 00:00:00', '2026-11-25 23:59:59.99', '1000-01-01 00:00:00.000000',
             NULL, '2026-11-25 10:00:00.0001',
             '日本語', '😀 emoji and ascii', 'ÿ', x'41', x'41424300', '😀', REPEAT('x', 1000), REPEAT('m', 70000), REPEAT('L', 100000), x'00', REPEAT(x'01', 1000), REPEAT(x'02', 70000), REPEAT(x'03', 100000),
             'medium', 'a,b,c,d,e,f,g,h,i', '{"nested": {"deep": [{"a": "ü"}]}}', ST_GeomFromText('MULTIPOINT(1 1, 2 2)'), POINT(-180, 90));
            """);

        var events = await BinlogCapture.ReadToEndAsync(Server, start);
        // The server splits one INSERT into several row events when the rows are large.
        var rowEvents = RowEvents(events, "types").ToList();
        Assert.All(rowEvents, e => Assert.Equal(EventType.WriteRowsV1, e.Type));
        var decoded = rowEvents.SelectMany(e => e.Rows).Select(r => r.After!).ToList();
        Assert.Equal(4, decoded.Count);

        var columnInfos = rowEvents[0].Columns!;
        var select = "SELECT " + string.Join(", ", columnInfos.Select(c => BinlogCapture.SelectExpression(c, "`" + c.Name + "`"))) +
            $" FROM {db}.types ORDER BY id";
        await using var connection = await Server.OpenConnectionAsync();
        await using (var tz = new MySqlCommand("SET time_zone = '+00:00'", connection))
            await tz.ExecuteNonQueryAsync();
        await using var command = new MySqlCommand(select, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rowIndex = 0;
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < columnInfos.Count; i++)
            {
                var name = columnInfos[i].Name!;
                string? expected = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    var value => Convert.ToString(value, CultureInfo.InvariantCulture),
                };
                Assert.True(expected == decoded[rowIndex][name],
                    $"row {rowIndex + 1}, column {name} ({columnInfos[i].Type}): SELECT gave <{expected}>, binlog gave <{decoded[rowIndex][name]}>");
            }
            rowIndex++;
        }
        Assert.Equal(4, rowIndex);
    }

    [ServerFact]
    public async Task ReadEvents_TwentyMegabyteBlob_RoundTripsThroughSplitPackets()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.big (id INT PRIMARY KEY, payload LONGBLOB)");
        var start = await CurrentAsync();
        var payload = new byte[20 * 1024 * 1024];
        new Random(42).NextBytes(payload);
        await using (var connection = await Server.OpenConnectionAsync())
        {
            await using var insert = new MySqlCommand($"INSERT INTO {db}.big VALUES (1, @p)", connection);
            insert.Parameters.AddWithValue("@p", payload);
            await insert.ExecuteNonQueryAsync();
        }

        var events = await BinlogCapture.ReadToEndAsync(Server, start);

        var row = Assert.Single(Assert.Single(RowEvents(events, "big")).Rows);
        Assert.Equal(Convert.ToHexString(payload), row.After!["payload"]);
    }

    [ServerFact]
    public async Task ReadEvents_MultiStatementTransaction_OneGtidRowsInOrderOneCommit()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = await CurrentAsync();
        await Server.ExecuteAsync($"""
            START TRANSACTION;
            INSERT INTO {db}.t VALUES (1, 'a'), (2, 'b');
            UPDATE {db}.t SET v = 'bb' WHERE id = 2;
            DELETE FROM {db}.t WHERE id = 1;
            COMMIT;
            """);

        var events = await BinlogCapture.ReadToEndAsync(Server, start);

        var transaction = events.SkipWhile(e => e.Type != EventType.MariaDbGtid).ToList();
        Assert.Single(transaction, e => e.Type == EventType.MariaDbGtid);
        Assert.Equal(
            [EventType.MariaDbGtid, EventType.WriteRowsV1, EventType.UpdateRowsV1, EventType.DeleteRowsV1, EventType.Xid],
            transaction.Where(e => e.Type is not (EventType.TableMap or EventType.MariaDbAnnotateRows or EventType.Query)).Select(e => e.Type));
        var rows = RowEvents(transaction, "t").ToList();
        Assert.Equal(["1", "2"], rows[0].Rows.Select(r => r.After!["id"]));
        Assert.Equal("b", rows[1].Rows[0].Before!["v"]);
        Assert.Equal("bb", rows[1].Rows[0].After!["v"]);
        Assert.Equal("a", rows[2].Rows[0].Before!["v"]);
        var xid = transaction.Last();
        Assert.Equal(EventType.Xid, xid.Type);
        Assert.Equal("MariaDB/" + await Server.GetGtidBinlogPosAsync(), xid.ResumePosition);
        Assert.All(transaction.Take(transaction.Count - 1), e => Assert.Null(e.ResumePosition));
    }

    [ServerFact]
    public async Task ReadEvents_DdlStatement_IsItsOwnTransactionWithResumePosition()
    {
        var db = await fixture.CreateDatabaseAsync();
        var start = await CurrentAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.ddl (id INT PRIMARY KEY)");
        await Server.ExecuteAsync($"ALTER TABLE {db}.ddl ADD COLUMN name VARCHAR(20)");

        var events = await BinlogCapture.ReadToEndAsync(Server, start);

        var ddl = events.Where(e => e.Type == EventType.Query).ToList();
        Assert.Equal(2, ddl.Count);
        Assert.Contains("CREATE TABLE", ddl[0].Sql, StringComparison.Ordinal);
        Assert.Contains("ADD COLUMN", ddl[1].Sql, StringComparison.Ordinal);
        Assert.All(ddl, e => Assert.NotNull(e.ResumePosition));
        Assert.Equal("MariaDB/" + await Server.GetGtidBinlogPosAsync(), ddl[1].ResumePosition);
    }

    [ServerFact]
    public async Task ReadEvents_AcrossBinlogRotation_ContinuesInTheNextFile()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.rot (id INT PRIMARY KEY)");
        var start = await CurrentAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.rot VALUES (1)");
        await Server.FlushLogsAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.rot VALUES (2)");
        await Server.FlushLogsAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.rot VALUES (3)");

        var events = await BinlogCapture.ReadToEndAsync(Server, start);

        Assert.Equal(["1", "2", "3"], RowEvents(events, "rot").Select(e => e.Rows[0].After!["id"]));
        Assert.True(events.Count(e => e.Type == EventType.Rotate) >= 3, "a rotate at start and one per FLUSH");
    }

    [ServerFact]
    public async Task Resume_FromEachTransactionBoundary_YieldsExactlyTheLaterTransactions()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.r (id INT PRIMARY KEY)");
        var start = await CurrentAsync();
        for (var i = 1; i <= 8; i++)
            await Server.ExecuteAsync($"INSERT INTO {db}.r VALUES ({i})");

        var all = await BinlogCapture.ReadToEndAsync(Server, start);
        var boundaries = all.Where(e => e.ResumePosition is not null).Select(e => e.ResumePosition!).ToList();
        Assert.Equal(8, boundaries.Count);

        for (var k = 0; k < boundaries.Count; k++)
        {
            var resumed = await BinlogCapture.ReadToEndAsync(Server, BinlogStartPosition.Parse(boundaries[k]));
            var ids = RowEvents(resumed, "r").Select(e => int.Parse(e.Rows[0].After!["id"]!, CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(k + 2, 8 - (k + 1)), ids);
        }
    }

    [ServerFact]
    public async Task Resume_AfterCancelMidTransaction_RedeliversTheWholeTransaction()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.c (id INT PRIMARY KEY)");
        var start = await CurrentAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.c VALUES (1)");
        await Server.ExecuteAsync($"START TRANSACTION; INSERT INTO {db}.c VALUES (2); INSERT INTO {db}.c VALUES (3); COMMIT");

        string? lastCommitted = null;
        await using (var client = new BinlogClient(BinlogCapture.Options(Server, start)))
        {
            await foreach (var binlogEvent in client.ReadEventsAsync())
            {
                if (client.LastEventCompletedTransaction)
                    lastCommitted = client.Position.ToString();
                // Stop in the middle of the second transaction: after its first row event.
                if (binlogEvent is RowsEvent rows && rows.TableMap.Table == "c" && lastCommitted is not null)
                    break;
            }
        }

        var resumed = await BinlogCapture.ReadToEndAsync(Server, BinlogStartPosition.Parse(lastCommitted!));
        Assert.Equal(["2", "3"], RowEvents(resumed, "c").Select(e => e.Rows[0].After!["id"]));
    }

    [ServerFact]
    public async Task ReadEvents_FromCurrent_SeesOnlyNewTransactionsAndHeartbeatsWhenIdle()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.cur (id INT PRIMARY KEY)");
        await Server.ExecuteAsync($"INSERT INTO {db}.cur VALUES (1)");
        using var deadline = TestDeadline.CreateTokenSource();
        await using var client = new BinlogClient(BinlogCapture.Options(Server, BinlogStartPosition.Current, stopAtEnd: false));

        var sawHeartbeat = false;
        var inserted = false;
        string? firstRow = null;
        await foreach (var binlogEvent in client.ReadEventsAsync(deadline.Token))
        {
            if (binlogEvent is HeartbeatEvent)
            {
                sawHeartbeat = true;
                if (!inserted)
                {
                    inserted = true;
                    await Server.ExecuteAsync($"INSERT INTO {db}.cur VALUES (2)");
                }
            }
            if (binlogEvent is RowsEvent rows && rows.TableMap.Table == "cur")
            {
                firstRow = BinlogCapture.Capture(rows, client).Rows[0].After!["id"];
                break;
            }
        }

        Assert.True(sawHeartbeat);
        Assert.Equal("2", firstRow);
    }

    [ServerFact]
    public async Task Connect_WrongPassword_FailsWithServerError1045()
    {
        var uri = new UriBuilder(Server.ReplicationUri) { Password = "not-the-password" }.Uri;
        var options = new BinlogClientOptions { Connection = MySqlConnectionOptions.Parse(uri.ToString()) };
        await using var client = new BinlogClient(options);

        var error = await Assert.ThrowsAsync<MySqlServerException>(async () =>
        {
            await foreach (var binlogEvent in client.ReadEventsAsync())
                Assert.Fail($"no event expected, got {binlogEvent.Type}");
        });

        Assert.Equal(1045, error.ErrorCode);
        Assert.Equal("28000", error.SqlState);
        Assert.Contains("Access denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NothingListening_FailsWithConnectionLostNamingTheEndpoint()
    {
        var port = FreePort.GetAvailableTcpPort();
        var options = new BinlogClientOptions { Connection = MySqlConnectionOptions.Parse($"mysql://u:p@127.0.0.1:{port}") };
        await using var client = new BinlogClient(options);

        var error = await Assert.ThrowsAsync<ReplicationException>(async () =>
        {
            await foreach (var binlogEvent in client.ReadEventsAsync())
                Assert.Fail($"no event expected, got {binlogEvent.Type}");
        });

        Assert.Equal(ReplicationErrorKind.ConnectionLost, error.Kind);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Start_PurgedGtid_FailsWithPositionPurged()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "purge" });
        await server.ExecuteAsync("CREATE DATABASE p; CREATE TABLE p.t (id INT PRIMARY KEY)");
        var old = "MariaDB/" + await server.GetGtidBinlogPosAsync();
        await server.ExecuteAsync("INSERT INTO p.t VALUES (1)");
        await server.FlushLogsAsync();
        await server.ExecuteAsync("INSERT INTO p.t VALUES (2)");
        await server.FlushLogsAsync();
        await server.PurgeAllButCurrentAsync();

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Parse(old)));

        Assert.Equal(ReplicationErrorKind.PositionPurged, error.Kind);
        Assert.Contains("purged", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [ServerFact]
    public async Task Start_PurgedFile_FailsWithPositionPurged()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "purge-file" });
        var (firstFile, _) = await server.GetBinlogPositionAsync();
        await server.FlushLogsAsync();
        await server.FlushLogsAsync();
        await server.PurgeAllButCurrentAsync();

        var error = await Assert.ThrowsAsync<ReplicationException>(() =>
            BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Parse(firstFile + ":4")));

        Assert.Equal(ReplicationErrorKind.PositionPurged, error.Kind);
        Assert.Contains(firstFile, error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Start_StatementFormatSource_RefusedNamingTheSetting()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "stmt", BinlogFormat = BinlogFormat.Statement });

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Current));

        Assert.Equal(ReplicationErrorKind.SourceMisconfigured, error.Kind);
        Assert.Contains("binlog_format", error.Message, StringComparison.Ordinal);
        Assert.Contains("STATEMENT", error.Message, StringComparison.Ordinal);
        Assert.Contains("ROW", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Start_MinimalRowImage_RefusedWithVitessText()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "minimg", BinlogRowImage = BinlogRowImage.Minimal });

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Current));

        Assert.Equal(ReplicationErrorKind.SourceMisconfigured, error.Kind);
        Assert.StartsWith("minimal binlog_row_image is not supported by Vitess VReplication", error.Message, StringComparison.Ordinal);
        Assert.Contains("binlog_row_image=FULL", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Start_MinimalRowMetadata_RefusedNamingTheSetting()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "minimal", BinlogRowMetadata = BinlogRowMetadata.Minimal });

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Current));

        Assert.Equal(ReplicationErrorKind.SourceMisconfigured, error.Kind);
        Assert.Contains("binlog_row_metadata", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Start_MinimalRowImage_RefusedNamingTheSetting()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "minimg", BinlogRowImage = BinlogRowImage.Minimal });

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Current));

        Assert.Equal(ReplicationErrorKind.SourceMisconfigured, error.Kind);
        Assert.Contains("binlog_row_image", error.Message, StringComparison.Ordinal);
        Assert.Contains("MINIMAL", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Start_NoBlobRowImage_Accepted_RowsLeaveOutTheUnchangedBlob()
    {
        // Vitess accepts NOBLOB (only MINIMAL is refused); the after image then lacks BLOB/TEXT columns left unchanged.
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "noblob", BinlogRowImage = BinlogRowImage.NoBlob });
        await server.ExecuteAsync("CREATE DATABASE n; CREATE TABLE n.t (id INT PRIMARY KEY, b BLOB, v VARCHAR(10)); INSERT INTO n.t VALUES (1, 'x', 'a')");
        var start = BinlogStartPosition.Parse("MariaDB/" + await server.GetGtidBinlogPosAsync());
        await server.ExecuteAsync("UPDATE n.t SET v = 'b' WHERE id = 1");

        var events = await BinlogCapture.ReadToEndAsync(server, start);

        var row = Assert.Single(Assert.Single(events, e => e.Rows.Count > 0).Rows);
        Assert.Equal(["id", "v"], row.Before!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["id", "v"], row.After!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("b", row.After["v"]);
    }

    [ServerFact]
    public async Task Start_BinlogOff_RefusedNamingTheSetting()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "nolog", LogBin = false });

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Current));

        Assert.Equal(ReplicationErrorKind.SourceMisconfigured, error.Kind);
        Assert.Contains("log_bin", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ReadEvents_SourceWithoutChecksums_StreamsRows()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "nocrc", ExtraArguments = ["--binlog-checksum=NONE"] });
        await server.ExecuteAsync("CREATE DATABASE n; CREATE TABLE n.t (id INT PRIMARY KEY, v VARCHAR(10))");
        var start = BinlogStartPosition.Parse("MariaDB/" + await server.GetGtidBinlogPosAsync());
        await server.ExecuteAsync("INSERT INTO n.t VALUES (1, 'no crc')");

        var events = await BinlogCapture.ReadToEndAsync(server, start);

        Assert.Equal("no crc", Assert.Single(RowEvents(events, "t")).Rows[0].After!["v"]);
    }

    [ServerFact]
    public async Task ReadEvents_FromFilePosition_StartsThereAndTracksGtids()
    {
        var db = await fixture.CreateDatabaseAsync();
        await Server.ExecuteAsync($"CREATE TABLE {db}.fp (id INT PRIMARY KEY)");
        await Server.ExecuteAsync($"INSERT INTO {db}.fp VALUES (1)");
        var (file, position) = await Server.GetBinlogPositionAsync();
        await Server.ExecuteAsync($"INSERT INTO {db}.fp VALUES (2)");
        var expectedEnd = "MariaDB/" + await Server.GetGtidBinlogPosAsync();

        var events = await BinlogCapture.ReadToEndAsync(Server, BinlogStartPosition.Parse($"{file}:{position}"));

        Assert.Equal(["2"], RowEvents(events, "fp").Select(e => e.Rows[0].After!["id"]));
        Assert.Equal(expectedEnd, events.Last(e => e.ResumePosition is not null).ResumePosition);
    }

    [ServerFact]
    public async Task Start_MySqlPositionOnMariaDb_FailsWithClearMessage()
    {
        var start = BinlogStartPosition.Parse("MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => BinlogCapture.ReadToEndAsync(Server, start));

        Assert.Contains("MariaDB", error.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task ReadEvents_SourceKilledMidStream_FailsWithConnectionLost()
    {
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "dies" });
        using var deadline = TestDeadline.CreateTokenSource();
        await using var client = new BinlogClient(BinlogCapture.Options(server, BinlogStartPosition.Current, stopAtEnd: false));

        var error = await Assert.ThrowsAsync<ReplicationException>(async () =>
        {
            await foreach (var binlogEvent in client.ReadEventsAsync(deadline.Token))
            {
                if (binlogEvent is FormatDescriptionEvent)
                    await server.KillAsync();
            }
        });

        Assert.Equal(ReplicationErrorKind.ConnectionLost, error.Kind);
    }
}
