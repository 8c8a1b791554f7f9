using System.Globalization;
using VGate.MySql.Positions;
using VGate.MySql.Replication;
using VGate.Testing;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// A dump from a GTID position whose binlogs were purged fails with <see cref="ReplicationErrorKind.PositionPurged"/> and
/// names the oldest position the source still has: the GTID list that opens its first binlog, as mariadbd lists it
/// (<c>SHOW BINLOG EVENTS</c>), over every GTID domain; a dump from that position works.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PurgedPositionTests
{
    [ServerFact]
    public async Task Start_PurgedGtidWithTwoDomains_NamesTheFirstBinlogsGtidListAsOldestPosition()
    {
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(2));
        var token = deadline.Token;
        await using var server = await MariaDbServer.StartAsync(new MariaDbServerOptions { Name = "purged-oldest" }, token);
        await server.ExecuteAsync("CREATE DATABASE p; CREATE TABLE p.t (id INT PRIMARY KEY)", token);
        var old = "MariaDB/" + await server.GetGtidBinlogPosAsync(token);
        // A second GTID domain, so the oldest position is a list of two.
        await server.ExecuteAsync("SET SESSION gtid_domain_id = 77; INSERT INTO p.t VALUES (1)", token);
        await server.ExecuteAsync("INSERT INTO p.t VALUES (2)", token);
        await server.FlushLogsAsync(token);
        await server.ExecuteAsync("INSERT INTO p.t VALUES (3)", token);
        await server.FlushLogsAsync(token);
        await server.ExecuteAsync("INSERT INTO p.t VALUES (4)", token);
        await server.PurgeAllButCurrentAsync(token);
        var first = Convert.ToString((await server.QueryAsync("SHOW BINARY LOGS", token))[0][0], CultureInfo.InvariantCulture);
        var gtidList = (await server.QueryAsync($"SHOW BINLOG EVENTS IN '{first}' LIMIT 5", token))
            .Single(row => string.Equals(Convert.ToString(row[2], CultureInfo.InvariantCulture), "Gtid_list", StringComparison.Ordinal))[5];
        var expected = ReplicationPosition.Parse("MariaDB/" + Convert.ToString(gtidList, CultureInfo.InvariantCulture)!.Trim('[', ']'));
        Assert.Contains("77-", expected.ToString(), StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<ReplicationException>(() => BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.Parse(old), token));

        Assert.Equal(ReplicationErrorKind.PositionPurged, error.Kind);
        Assert.Equal(expected, error.OldestAvailablePosition);
        Assert.Contains($"The oldest position the source still has is '{expected}'", error.Message, StringComparison.Ordinal);
        var events = await BinlogCapture.ReadToEndAsync(server, BinlogStartPosition.FromGtid(expected), token);
        Assert.Contains(events, e => e.Type == VGate.MySql.Binlog.EventType.MariaDbGtid);
    }
}
