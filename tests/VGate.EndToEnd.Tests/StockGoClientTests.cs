using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.EndToEnd.Tests;

/// <summary>The scenarios of <see cref="StockClientTests"/> with the Go client of <c>examples/go</c> (Debian's grpc-go).</summary>
public sealed class StockGoClientTests(StockClientTests.Cluster shared, ITestOutputHelper output)
    : StockClientTests(shared, output), IClassFixture<StockClientTests.Cluster>
{
    private static async Task<StockClient> Client() => await GoClient.GetAsync();

    [GoFact]
    public Task VStream_FromSavedVgtid_RowsMatchWhatTheShardsHold() => FromSavedVgtidAsync(Client);

    [GoFact]
    public Task VStream_Copy_EveryRowOfTheTableThenCopyCompleted() => CopyAsync(Client);

    [GoFact]
    public Task VStream_HeartbeatInterval_HeartbeatsArrive() => HeartbeatsAsync(Client);

    [GoFact]
    public Task Execute_DebeziumStatements_AnsweredFromTheTopologyAndTheShards() => DebeziumStatementsAsync(Client);

    [GoFact]
    public Task VStream_BadVgtid_ClientSeesInvalidArgument() => BadVgtidAsync(Client);
}
