using System.Security.Authentication;
using VGate.MySql;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Positions;
using VGate.MySql.Protocol;
using VGate.MySql.Replication;
using VGate.Testing;
using VGate.Testing.MySqlSource;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// The binlog client on the MySQL path, against <see cref="MySqlSourceServer"/> serving binlogs real MySQL servers wrote:
/// MySQL 8.4 logins (mysql_native_password; caching_sha2_password fast, full over verified TLS, full with RSA by key
/// request and by key file; refused over unverified TLS), COM_BINLOG_DUMP_GTID from an empty set and from a set with
/// gaps, purged GTIDs (1236), heartbeats, live tail and resume. The source decodes the GTID set VGate encodes with code
/// of its own, so the set a test sees in <see cref="MySqlSourceServer.DumpRequests"/> checks VGate's encoding.
/// </summary>
public sealed class MySqlSourceBinlogClientTests
{
    private const string EnumUuid = "93e95066-a2f4-11ec-9b69-9657f0ae95e2";
    private const string PayloadUuid = "76f3e7be-6720-11ed-9cad-0242ac110002";
    private const string TaggedUuid = "55778904-0299-11f1-b1b8-4ef0c4956feb";
    private const string MySql57Uuid = "58cf6502-63db-11ed-8079-0242ac110002";

    [Fact]
    public async Task Login_NativePassword_StreamsEveryTransactionFromAnEmptySet()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, users: [new MySqlSourceUser("repl", "n4tive!", MySqlSourceUser.NativePassword)]);
        var read = await ReadToEndAsync(source, Options(source, MySqlSslMode.None), BinlogStartPosition.Parse("MySQL56/"));

        Assert.Equal([$"{EnumUuid}:1", $"{EnumUuid}:2", $"{EnumUuid}:3", $"{EnumUuid}:4", $"{EnumUuid}:5"], read.Gtids);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{EnumUuid}:1-5"), read.Position);
        Assert.Equal("", source.DumpRequests.Single());
        Assert.Equal(MySqlSourceAuthMethod.NativePassword, VGateLogin(source).Method);
        Assert.Empty(source.UnexpectedQueries);
        Assert.Empty(source.Errors);
    }

    [Fact]
    public async Task Login_CachingSha2FullAuthenticationOverVerifiedTls_SendsThePasswordOverTls()
    {
        using var directory = TempDirectory.Create("mysqlsource-tls");
        var tls = TestCertificates.Create(directory.Path);
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, tls: tls, alwaysFull: true);
        var options = Options(source, MySqlSslMode.VerifyCA);
        options.SslCaFile = tls.CaCertificateFile;

        var read = await ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-4"));

        Assert.Equal([$"{EnumUuid}:5"], read.Gtids);
        var login = VGateLogin(source);
        Assert.True(login.Tls);
        Assert.Equal(MySqlSourceAuthMethod.CachingSha2FullOverTls, login.Method);
    }

    [Fact]
    public async Task Login_CachingSha2CachedAccount_TakesTheFastPath()
    {
        // Not forced to full authentication: the first session's login (full, RSA) fills the cache, the next one is fast.
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet);
        var options = Options(source, MySqlSslMode.None);
        options.AllowPublicKeyRetrieval = true;

        await ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-5"));
        await ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-5"));

        var logins = source.Logins.Where(l => l.ClientName == "VGate").Select(l => l.Method).ToList();
        Assert.Equal([MySqlSourceAuthMethod.CachingSha2FullRsaRequestedKey, MySqlSourceAuthMethod.CachingSha2Fast], logins);
    }

    [Fact]
    public async Task Login_CachingSha2FullAuthenticationWithoutTls_EncryptsWithTheRequestedRsaKey()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, alwaysFull: true);
        var options = Options(source, MySqlSslMode.None);
        options.AllowPublicKeyRetrieval = true;

        var read = await ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-4"));

        Assert.Equal([$"{EnumUuid}:5"], read.Gtids);
        var login = VGateLogin(source);
        Assert.False(login.Tls);
        Assert.Equal(MySqlSourceAuthMethod.CachingSha2FullRsaRequestedKey, login.Method);
    }

    [Fact]
    public async Task Login_CachingSha2FullAuthenticationWithKeyFile_EncryptsWithoutAskingForTheKey()
    {
        using var directory = TempDirectory.Create("mysqlsource-rsa");
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, alwaysFull: true);
        var keyFile = directory.Combine("public_key.pem");
        await File.WriteAllTextAsync(keyFile, source.RsaPublicKeyPem);
        var options = Options(source, MySqlSslMode.None);
        options.ServerRsaPublicKeyFile = keyFile;

        await ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-4"));

        Assert.Equal(MySqlSourceAuthMethod.CachingSha2FullRsaKnownKey, VGateLogin(source).Method);
    }

    [Fact]
    public async Task Login_FullAuthenticationOverUnverifiedTls_IsRefusedBeforeThePasswordIsSent()
    {
        using var directory = TempDirectory.Create("mysqlsource-tls");
        var tls = TestCertificates.Create(directory.Path);
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, tls: tls, alwaysFull: true);

        var error = await Assert.ThrowsAsync<AuthenticationException>(() =>
            ReadToEndAsync(source, Options(source, MySqlSslMode.Required), BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-4")));

        Assert.Contains("caching_sha2_password", error.Message, StringComparison.Ordinal);
        // The source records the refusal when it sees the connection close, which may be after the client threw.
        await Eventually.AssertAsync(() => Assert.Contains(source.Logins, l => l.ClientName == "VGate"), TestDeadline.Default);
        var login = VGateLogin(source);
        Assert.True(login.Tls);
        Assert.Equal(MySqlSourceAuthMethod.Refused, login.Method);
        Assert.Empty(source.DumpRequests);
    }

    [Fact]
    public async Task Login_WrongPassword_FailsWithAccessDenied()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet, users: [new MySqlSourceUser("repl", "right", MySqlSourceUser.NativePassword)]);
        var options = Options(source, MySqlSslMode.None);
        options.Password = "wrong";

        var error = await Assert.ThrowsAsync<MySqlServerException>(() => ReadToEndAsync(source, options, BinlogStartPosition.Parse("MySQL56/")));

        Assert.Equal(1045, error.ErrorCode);
    }

    [Fact]
    public async Task Dump_SetWithGaps_SkipsTheTransactionsInTheSetAndFillsTheGaps()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet);

        var read = await ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-2:4"));

        Assert.Equal([$"{EnumUuid}:3", $"{EnumUuid}:5"], read.Gtids);
        Assert.Equal($"{EnumUuid}:1-2:4", source.DumpRequests.Single());
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{EnumUuid}:1-5"), read.Position);
        Assert.Contains(EventType.WriteRowsV2, read.Types);
        Assert.Contains(EventType.DeleteRowsV2, read.Types);
        Assert.DoesNotContain(EventType.UpdateRowsV2, read.Types);
    }

    [Fact]
    public async Task Dump_CompressedTransactions_ExpandsThePayloadsOfMySql8031()
    {
        await using var source = Start(MySqlBinlogFixtures.CompressedPayloads);

        var read = await ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse($"MySQL56/{PayloadUuid}:1-10"));

        Assert.Equal([$"{PayloadUuid}:11", $"{PayloadUuid}:12", $"{PayloadUuid}:13"], read.Gtids);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{PayloadUuid}:1-13"), read.Position);
        // Inside the two TRANSACTION_PAYLOADs (PROVENANCE.md): WRITE_ROWS ×2, UPDATE_ROWS ×1, XID ×2.
        Assert.Equal(2, read.Types.Count(t => t == EventType.WriteRowsV2));
        Assert.Equal(1, read.Types.Count(t => t == EventType.UpdateRowsV2));
        Assert.Equal(2, read.Types.Count(t => t == EventType.Xid));
    }

    [Fact]
    public async Task Dump_FromFilePosition4_LearnsTheGtidSetFromPreviousGtids()
    {
        await using var source = Start(MySqlBinlogFixtures.CompressedPayloads);

        var read = await ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse("mysql-bin.000057:4"));

        Assert.Equal("mysql-bin.000057:4", source.DumpRequests.Single());
        Assert.Equal([$"{PayloadUuid}:11", $"{PayloadUuid}:12", $"{PayloadUuid}:13"], read.Gtids);
        // PREVIOUS_GTIDS (1-10) plus what streamed: the position a GTID resume needs.
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{PayloadUuid}:1-13"), read.Position);
        Assert.Contains(EventType.PreviousGtids, read.Types);
    }

    [Fact]
    public async Task Dump_FromAFileTheSourceDoesNotHave_IsPositionNotFound()
    {
        await using var source = Start(MySqlBinlogFixtures.CompressedPayloads);

        var error = await Assert.ThrowsAsync<ReplicationException>(() =>
            ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse("mysql-bin.000099:4")));

        Assert.Equal(ReplicationErrorKind.PositionNotFound, error.Kind);
        Assert.Contains("mysql-bin.000057", error.Message, StringComparison.Ordinal);
        Assert.Empty(source.DumpRequests);
    }

    [Fact]
    public async Task Connect_MySql57WithoutBinlogRowMetadata_IsRefusedNamingTheSetting()
    {
        await using var source = MySqlSourceServer.Start(new MySqlSourceOptions
        {
            BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.MySql57),
            ServerVersion = "5.7.40-log",
        });

        var error = await Assert.ThrowsAsync<ReplicationException>(() =>
            ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse($"MySQL56/{MySql57Uuid}:1-52")));

        Assert.Equal(ReplicationErrorKind.SourceMisconfigured, error.Kind);
        Assert.Contains("binlog_row_metadata", error.Message, StringComparison.Ordinal);
        Assert.Empty(source.DumpRequests);
    }

    [Fact]
    public async Task Dump_MySql57WithChecksSkipped_StreamsItsGtids()
    {
        await using var source = MySqlSourceServer.Start(new MySqlSourceOptions
        {
            BinlogFile = MySqlBinlogFixtures.PathOf(MySqlBinlogFixtures.MySql57),
            ServerVersion = "5.7.40-log",
        });
        using var deadline = TestDeadline.CreateTokenSource();
        var gtids = new List<string>();
        await using var client = new BinlogClient(new BinlogClientOptions
        {
            Connection = RsaOptions(source),
            Start = BinlogStartPosition.Parse($"MySQL56/{MySql57Uuid}:1-52:60"),
            StopAtEnd = true,
            CheckPrerequisites = false,
        });
        await foreach (var ev in client.ReadEventsAsync(deadline.Token))
        {
            if (ev is GtidEvent { Gtid: { } gtid })
                gtids.Add(gtid.ToString());
        }

        Assert.Equal(Enumerable.Range(53, 10).Where(n => n != 60).Select(n => $"{MySql57Uuid}:{n}"), gtids);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{MySql57Uuid}:1-62"), client.Position);
        Assert.Empty(source.Errors);
    }

    [Fact]
    public async Task Dump_TaggedGtidSetOfMySql96_SendsTheTaggedTransactionAndTracksItsTag()
    {
        // PREVIOUS_GTIDS uuid:1-13 plus mytag:1-2; the file's one transaction is uuid:mytag:3 (PROVENANCE.md).
        await using var source = Start(MySqlBinlogFixtures.TaggedGtids);
        var start = $"MySQL56/{TaggedUuid}:1-13:mytag:1-2";

        var read = await ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse(start));

        Assert.Equal($"{TaggedUuid}:1-13:mytag:1-2", source.DumpRequests.Single());
        Assert.Equal([$"{TaggedUuid}:mytag:3"], read.Gtids);
        Assert.Contains(EventType.WriteRowsV2, read.Types);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{TaggedUuid}:1-13:mytag:1-3"), read.Position);

        var again = await ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.FromGtid(read.Position!.Value));

        Assert.Empty(again.Gtids);
        Assert.Equal($"{TaggedUuid}:1-13:mytag:1-3", source.DumpRequests[^1]);
        Assert.Equal(read.Position, again.Position);
    }

    [Fact]
    public async Task Dump_PurgedGtids_FailsWith1236AndNamesTheOldestPosition()
    {
        await using var source = Start(MySqlBinlogFixtures.CompressedPayloads);

        var error = await Assert.ThrowsAsync<ReplicationException>(() =>
            ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse($"MySQL56/{PayloadUuid}:1-5")));

        Assert.Equal(ReplicationErrorKind.PositionPurged, error.Kind);
        Assert.Equal(1236, error.ServerErrorCode);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{PayloadUuid}:1-10"), error.OldestAvailablePosition);
        Assert.Contains($"missing transactions are '{PayloadUuid}:6-10'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dump_PurgedSetChangedAtRuntime_RefusesAPositionThatWorkedBefore()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet);
        var options = RsaOptions(source);
        await ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1"));

        source.GtidPurged = $"{EnumUuid}:1-3";
        var error = await Assert.ThrowsAsync<ReplicationException>(() => ReadToEndAsync(source, options, BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1")));

        Assert.Equal(ReplicationErrorKind.PositionPurged, error.Kind);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{EnumUuid}:1-3"), error.OldestAvailablePosition);
    }

    [Fact]
    public async Task Dump_MoreGtidsThanTheSource_IsPositionNotFound()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet);

        var error = await Assert.ThrowsAsync<ReplicationException>(() =>
            ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse($"MySQL56/{EnumUuid}:1-9")));

        Assert.Equal(ReplicationErrorKind.PositionNotFound, error.Kind);
        Assert.Equal(1236, error.ServerErrorCode);
    }

    [Fact]
    public async Task Dump_MariaDbPositionAgainstMySql_IsRefusedBeforeTheDump()
    {
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReadToEndAsync(source, RsaOptions(source), BinlogStartPosition.Parse("MariaDB/0-1-5")));

        Assert.Contains("MySQL", error.Message, StringComparison.Ordinal);
        Assert.Empty(source.DumpRequests);
    }

    [Fact]
    public async Task Stream_Idle_ReceivesHeartbeatsThenLiveTransactionsAndResumesAfterThem()
    {
        using var deadline = TestDeadline.CreateTokenSource();
        var token = deadline.Token;
        await using var source = Start(MySqlBinlogFixtures.EnumStringSet);
        var options = RsaOptions(source);

        // From "current" (gtid_executed), blocking, with a short heartbeat period.
        ReplicationPosition? resumeFrom = null;
        var heartbeats = 0;
        var seen = new List<string>();
        // A short period, but a silence limit far above it: a slow machine must not make the client give up.
        await using (var client = new BinlogClient(new BinlogClientOptions { Connection = options, HeartbeatInterval = TimeSpan.FromMilliseconds(100), HeartbeatTimeoutFactor = 300 }))
        {
            await foreach (var ev in client.ReadEventsAsync(token))
            {
                if (ev is HeartbeatEvent heartbeat)
                {
                    Assert.Equal(source.BinlogFileName, heartbeat.LogFileName);
                    if (++heartbeats == 2)
                        source.AppendTransaction(templateIndex: 2); // the INSERT of transaction 3, as GTID 6
                }
                if (ev is GtidEvent { Gtid: { } gtid })
                    seen.Add(gtid.ToString());
                if (client.LastEventCompletedTransaction && seen.Count == 1)
                {
                    resumeFrom = client.Position;
                    break;
                }
            }
        }

        Assert.Equal([$"{EnumUuid}:6"], seen);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{EnumUuid}:1-6"), resumeFrom);
        Assert.True(source.HeartbeatsSent >= 2);

        source.AppendTransaction(templateIndex: 3);
        var resumed = await ReadToEndAsync(source, options, BinlogStartPosition.FromGtid(resumeFrom!.Value));
        Assert.Equal([$"{EnumUuid}:7"], resumed.Gtids);
        Assert.Contains(EventType.UpdateRowsV2, resumed.Types);
        Assert.Equal(ReplicationPosition.Parse($"MySQL56/{EnumUuid}:1-7"), resumed.Position);
        Assert.Equal($"{EnumUuid}:1-7", source.GtidExecuted);
    }

    private static MySqlSourceServer Start(string fixture, IReadOnlyList<MySqlSourceUser>? users = null, TlsFiles? tls = null, bool alwaysFull = false) =>
        MySqlSourceServer.Start(new MySqlSourceOptions
        {
            BinlogFile = MySqlBinlogFixtures.PathOf(fixture),
            Users = users,
            Tls = tls,
            AlwaysFullAuthentication = alwaysFull,
        });

    private static MySqlConnectionOptions Options(MySqlSourceServer source, MySqlSslMode sslMode) => new()
    {
        Host = source.Host,
        Port = source.Port,
        User = source.User.Name,
        Password = source.User.Password,
        SslMode = sslMode,
    };

    private static MySqlConnectionOptions RsaOptions(MySqlSourceServer source)
    {
        var options = Options(source, MySqlSslMode.None);
        options.AllowPublicKeyRetrieval = true;
        return options;
    }

    /// <summary>The login of VGate's replication connection (which also runs the prerequisite and position queries).</summary>
    private static MySqlSourceLogin VGateLogin(MySqlSourceServer source) => source.Logins.Single(l => l.ClientName == "VGate");

    private sealed record ReadResult(IReadOnlyList<string> Gtids, IReadOnlyList<EventType> Types, ReplicationPosition? Position);

    private static async Task<ReadResult> ReadToEndAsync(MySqlSourceServer source, MySqlConnectionOptions options, BinlogStartPosition start)
    {
        using var deadline = TestDeadline.CreateTokenSource();
        var gtids = new List<string>();
        var types = new List<EventType>();
        await using var client = new BinlogClient(new BinlogClientOptions { Connection = options, Start = start, StopAtEnd = true });
        await foreach (var ev in client.ReadEventsAsync(deadline.Token))
        {
            types.Add(ev.Type);
            if (ev is GtidEvent { Gtid: { } gtid })
                gtids.Add(gtid.ToString());
        }
        Assert.Empty(source.Errors);
        return new ReadResult(gtids, types, client.Position);
    }
}

/// <summary>The test source's scramble math against go-sql-driver/mysql's vectors (TestScrambleSHA256Pass, auth_test.go).</summary>
public sealed class MySqlSourceScramblesTests
{
    [Theory]
    [InlineData("secret", "f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c")]
    [InlineData("secret2", "abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6")]
    public void CachingSha2_GoSqlDriverVector_Matches(string password, string expectedHex)
    {
        var nonce = Convert.FromHexString("0a2f4a6f4b492230584c724a250d035052021715");

        Assert.Equal(expectedHex, Convert.ToHexStringLower(MySqlSourceScrambles.CachingSha2(nonce, password)));
    }
}
