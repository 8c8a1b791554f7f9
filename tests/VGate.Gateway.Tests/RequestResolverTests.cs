using Binlogdata;
using Topodata;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests;

public sealed class RequestResolverTests
{
    private static List<string> Resolve(VStreamRequest request) =>
        [.. RequestResolver.Resolve(request, TestTopology.Create()).Shards.Select(s => $"{s.Keyspace}/{s.Shard}={s.Gtid}")];

    private static VStreamException ResolveFails(VStreamRequest request)
    {
        var error = Assert.Throws<VStreamException>(() => RequestResolver.Resolve(request, TestTopology.Create()));
        Assert.Equal(Code.InvalidArgument, error.Code);
        Assert.StartsWith("failed to resolve vstream parameters: ", error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Resolve_NoShardGtids_InvalidArgument()
    {
        ResolveFails(new VStreamRequest());
        ResolveFails(new VStreamRequest { Vgtid = new VGtid() });
    }

    [Fact]
    public void Resolve_EmptyKeyspaceCurrent_AllKeyspacesAllShards()
    {
        Assert.Equal(["ks/-80=current", "ks/80-=current", "uks/0=current", "other/0=current"], Resolve(TestTopology.Request(("", "", "current"))));
    }

    [Fact]
    public void Resolve_EmptyKeyspaceWithPosition_InvalidArgument()
    {
        Assert.Contains("must be 'current'", ResolveFails(TestTopology.Request(("", "", "MariaDB/0-1-1"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_KeyspaceRegex_UnanchoredMatchesKeepGtid()
    {
        Assert.Equal(["ks/-80=", "ks/80-=", "uks/0="], Resolve(TestTopology.Request(("/ks", "", ""))));
        Assert.Equal(["ks/-80=current", "ks/80-=current"], Resolve(TestTopology.Request(("/^ks$/", "", "current"))));
        ResolveFails(TestTopology.Request(("/nomatch", "", "current")));
    }

    [Fact]
    public void Resolve_EmptyShard_ExpandsOnlyForCurrentOrCopy()
    {
        Assert.Equal(["ks/-80=", "ks/80-="], Resolve(TestTopology.Request(("ks", "", ""))));
        Assert.Contains("gtid must be 'current' or empty", ResolveFails(TestTopology.Request(("ks", "", "MariaDB/0-1-5"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ExplicitShards_PassThroughWithTablePKs()
    {
        var request = TestTopology.Request(("ks", "80-", "MariaDB/0-1-5"), ("uks", "0", "current"));
        request.Vgtid.ShardGtids[0].TablePKs.Add(Ev.LastPk("t", 3).LastPKEvent.TableLastPK);
        var resolved = RequestResolver.Resolve(request, TestTopology.Create());
        Assert.Equal(["ks/80-=MariaDB/0-1-5", "uks/0=current"], resolved.Shards.Select(s => $"{s.Keyspace}/{s.Shard}={s.Gtid}"));
        Assert.Equal("t", Assert.Single(resolved.Shards[0].TablePKs).TableName);
    }

    [Fact]
    public void Resolve_UnknownKeyspaceOrShard_NamesIt()
    {
        Assert.Contains("keyspace nope not found", ResolveFails(TestTopology.Request(("nope", "0", "current"))).Message, StringComparison.Ordinal);
        Assert.Contains("shard 40- not found in keyspace ks", ResolveFails(TestTopology.Request(("ks", "40-", "current"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MalformedPosition_InvalidArgument()
    {
        Assert.Contains("invalid position 'MariaDB/garbage' for uks/0", ResolveFails(TestTopology.Request(("uks", "0", "MariaDB/garbage"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TabletType.Unknown, SourceRole.Primary)]
    [InlineData(TabletType.Primary, SourceRole.Primary)]
    [InlineData(TabletType.Replica, SourceRole.Replica)]
    [InlineData(TabletType.Rdonly, SourceRole.Rdonly)]
    public void Resolve_TabletType_MapsToRole(TabletType type, SourceRole role)
    {
        var request = TestTopology.Request(("uks", "0", "current"));
        request.TabletType = type;
        Assert.Equal(role, RequestResolver.Resolve(request, TestTopology.Create()).Role);
    }

    [Fact]
    public void Resolve_NullFilterAndFlags_AllTablesDefaults()
    {
        var resolved = RequestResolver.Resolve(TestTopology.Request(("uks", "0", "current")), TestTopology.Create());
        Assert.Equal("/.*", Assert.Single(resolved.Filter.Rules).Match);
        Assert.False(resolved.Flags.MinimizeSkew);
    }

    /// <summary>A flag VGate cannot honour is refused, naming the field, never dropped.</summary>
    [Theory]
    [InlineData("stop_on_reshard")]
    [InlineData("include_reshard_journal_events")]
    [InlineData("cells")]
    [InlineData("cell_preference")]
    [InlineData("tablet_order")]
    public void Resolve_FlagWithoutMeaningHere_InvalidArgumentNamingTheField(string field)
    {
        var request = TestTopology.Request(("ks", "", "current"));
        request.Flags = field switch
        {
            "stop_on_reshard" => new VStreamFlags { StopOnReshard = true },
            "include_reshard_journal_events" => new VStreamFlags { IncludeReshardJournalEvents = true },
            "cells" => new VStreamFlags { Cells = "zone1" },
            "cell_preference" => new VStreamFlags { CellPreference = "OnlySpecified" },
            _ => new VStreamFlags { TabletOrder = "InOrder" },
        };

        Assert.Contains($"flags.{field}=", ResolveFails(request).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// What Debezium's VitessReplicationConnection sends by default (stop_on_reshard from vitess.stop_on_reshard, false;
    /// heartbeat_interval; stream_keyspace_heartbeats false; cells only when configured), and the documented defaults of
    /// the cell flags spelled out, resolve.
    /// </summary>
    [Fact]
    public void Resolve_DefaultFlagValues_Accepted()
    {
        var debezium = TestTopology.Request(("ks", "", "current"));
        debezium.Flags = new VStreamFlags { StopOnReshard = false, HeartbeatInterval = 5, StreamKeyspaceHeartbeats = false };
        Assert.Equal(["ks/-80=current", "ks/80-=current"], Resolve(debezium));

        // Debezium's vitess.stream.keyspace.heartbeats=true: the heartbeat table's rows are streamed (KeyspaceHeartbeatsMariaDbTests).
        var heartbeats = TestTopology.Request(("ks", "", "current"));
        heartbeats.Flags = new VStreamFlags { HeartbeatInterval = 5, StreamKeyspaceHeartbeats = true };
        Assert.Equal(["ks/-80=current", "ks/80-=current"], Resolve(heartbeats));

        var spelledOut = TestTopology.Request(("ks", "", "current"));
        spelledOut.Flags = new VStreamFlags { CellPreference = "preferlocalwithalias", TabletOrder = "any", Cells = "" };
        Assert.Equal(["ks/-80=current", "ks/80-=current"], Resolve(spelledOut));
    }
}
