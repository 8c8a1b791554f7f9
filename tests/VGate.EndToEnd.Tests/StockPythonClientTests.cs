using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;

namespace VGate.EndToEnd.Tests;

/// <summary>The scenarios of <see cref="StockClientTests"/> with <c>examples/python/vstream.py</c> (Debian's python3-grpcio).</summary>
public sealed class StockPythonClientTests(StockClientTests.Cluster shared, ITestOutputHelper output)
    : StockClientTests(shared, output), IClassFixture<StockClientTests.Cluster>
{
    private static async Task<StockClient> Client() => await PythonClient.GetAsync();

    [PythonFact]
    public Task VStream_FromSavedVgtid_RowsMatchWhatTheShardsHold() => FromSavedVgtidAsync(Client);

    [PythonFact]
    public Task VStream_Copy_EveryRowOfTheTableThenCopyCompleted() => CopyAsync(Client);

    [PythonFact]
    public Task VStream_HeartbeatInterval_HeartbeatsArrive() => HeartbeatsAsync(Client);

    [PythonFact]
    public Task Execute_DebeziumStatements_AnsweredFromTheTopologyAndTheShards() => DebeziumStatementsAsync(Client);

    [PythonFact]
    public Task VStream_BadVgtid_ClientSeesInvalidArgument() => BadVgtidAsync(Client);
}
