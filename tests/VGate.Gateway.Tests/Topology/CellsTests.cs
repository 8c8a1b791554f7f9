using VGate.Gateway.Streams;
using VGate.Gateway.Tests.Fakes;
using VGate.Gateway.Topology;
using VGate.VStreamer;
using Vtgate;
using Vtrpc;

namespace VGate.Gateway.Tests.Topology;

/// <summary>
/// <c>VStreamFlags.cells</c>: a request naming cells reads only from sources whose <c>Cell</c> is one of them; a cell no
/// source is in is INVALID_ARGUMENT at once; a shard without a source in the cells has none left (UNAVAILABLE).
/// </summary>
public sealed class CellsTests
{
    private static GatewayOptions Topology()
    {
        var options = TestTopology.Create();
        options.Keyspaces[1].Shards[0].Sources =
        [
            new SourceOptions { Uri = "mysql://u:p@127.0.0.1:3306", Name = "east-1", Cell = "east" },
            new SourceOptions { Uri = "mysql://u:p@127.0.0.1:3307", Name = "west-1", Cell = "west" },
            new SourceOptions { Uri = "mysql://u:p@127.0.0.1:3308", Name = "nocell" },
            new SourceOptions { Uri = "mysql://u:p@127.0.0.1:3309", Name = "west-2", Cell = "west" },
        ];
        return options;
    }

    private static ShardStreamRequest Request(string cells) => new()
    {
        Keyspace = "uks",
        Shard = "0",
        Position = "current",
        Cells = SourceCells.Parse(cells),
    };

    [Theory]
    [InlineData("", "east-1,west-1,nocell,west-2")]
    [InlineData("west", "west-1,west-2")]
    [InlineData(" east , west ", "east-1,west-1,west-2")]
    [InlineData("north", "")]
    public void OrderSources_Cells_OnlySourcesInThem(string cells, string expected)
    {
        var shard = Topology().Keyspaces[1].Shards[0];

        var order = ShardStreamerFactory.OrderSources("uks", shard, Request(cells), health: null).Select(s => s.Name);

        Assert.Equal(expected, string.Join(",", order));
    }

    [Fact]
    public void Open_NoSourceInTheCells_UnavailableNamingThem()
    {
        var options = Topology();
        options.Keyspaces[1].Shards[0].Sources.RemoveAll(s => s.Cell == "west");
        var factory = new ShardStreamerFactory(options);

        var error = Assert.Throws<VStreamException>(() => factory.Open(Request("west")));

        Assert.Equal(Code.Unavailable, error.Code);
        Assert.Contains("no Primary source left in cells west", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_KnownCells_Accepted()
    {
        var request = TestTopology.Request(("uks", "0", "current"));
        request.Flags = new VStreamFlags { Cells = "west,east" };

        var resolved = RequestResolver.Resolve(request, Topology());

        Assert.Equal("west,east", resolved.Flags.Cells);
    }

    [Fact]
    public void Resolve_UnknownCell_InvalidArgumentNamingItAndTheKnownOnes()
    {
        var request = TestTopology.Request(("uks", "0", "current"));
        request.Flags = new VStreamFlags { Cells = "west,nowhere" };

        var error = Assert.Throws<VStreamException>(() => RequestResolver.Resolve(request, Topology()));

        Assert.Equal(Code.InvalidArgument, error.Code);
        Assert.Contains("flags.cells='west,nowhere' names cells no source is in (nowhere); the sources' cells are east,west", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b")]
    [InlineData(" a")]
    public void Validate_BadCellName_Problem(string cell)
    {
        var options = Topology();
        options.Keyspaces[1].Shards[0].Sources[0].Cell = cell;

        var problems = TopologyValidator.Validate(options);

        Assert.Contains(problems, p => p.Contains($"cell '{cell}'", StringComparison.Ordinal));
    }
}
