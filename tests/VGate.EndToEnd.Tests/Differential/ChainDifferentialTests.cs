using VGate.Testing;

namespace VGate.EndToEnd.Tests.Differential;

/// <summary>
/// The randomized differential test of the whole chain (issue 13 §5). One seeded workload (<see cref="ChainWorkload"/>:
/// every column type and edge value, savepoints, XA, CTAS, large transactions, key changes, a table without a key, DDL
/// mid-stream, a STATEMENT-format session — each switchable) is delivered by every path VGate has, and each delivery is
/// judged against ground truth VGate did not produce: <c>mariadb-binlog -vv</c> and <c>SELECT</c>.
/// <list type="bullet">
/// <item><c>vgate binlog</c> as a process: every row, value by value, equals mariadb-binlog's decoding.</item>
/// <item>VStream through a real gateway, with random disconnects and resumes, pauses, and with and without
/// <c>transaction_chunk_size</c>: replaying it gives exactly the tables' SELECT contents; no transaction twice or cut.</item>
/// <item>The Kafka sink (librdkafka's mock cluster): replaying its Debezium records gives the SELECT contents.</item>
/// </list>
/// Every failure names the seed, the features and the first difference; replay with the same <c>VGATE_DIFF_*</c>
/// variables (tests/README.md). bench/differential.sh runs it at full size.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class ChainDifferentialTests(ChainWorkload workload, ITestOutputHelper output) : IClassFixture<ChainWorkload>
{
    private Random NewRandom(int judge) => new(HashCode.Combine(workload.Seed, judge));

    private void Log(string line) => output.WriteLine(line);

    private CancellationTokenSource Deadline() => TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(10 + workload.Features.LargeTransactionRows / 20_000));

    private void Header()
    {
        foreach (var line in workload.Log)
            output.WriteLine(line);
    }

    [ServerFact]
    public async Task VStream_ResumedAtRandomPointsWithPauses_ReplayEqualsSelect()
    {
        Header();
        using var deadline = Deadline();
        await VStreamJudge.RunAsync(workload, chunkSize: 0, NewRandom(1), Log, deadline.Token);
    }

    [ServerFact]
    public async Task VStream_ChunkedTransactionsResumedAtRandomPoints_ReplayEqualsSelect()
    {
        Header();
        using var deadline = Deadline();
        await VStreamJudge.RunAsync(workload, chunkSize: 4096, NewRandom(2), Log, deadline.Token);
    }

    [ServerFact]
    public async Task KafkaSink_DebeziumRecords_ReplayEqualsSelect()
    {
        Header();
        using var deadline = Deadline();
        await KafkaJudge.RunAsync(workload, Log, deadline.Token);
    }
}

/// <summary>
/// The <c>vgate binlog</c> judge of the chain differential test (<see cref="ChainDifferentialTests"/>), on a workload
/// of its own (<see cref="BinlogCommandWorkload"/>) because it fails on two edge values the other paths pass.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class BinlogCommandDifferentialTests(BinlogCommandWorkload workload, ITestOutputHelper output) : IClassFixture<BinlogCommandWorkload>
{
    [ServerFact]
    public async Task BinlogCommand_EveryRowEvent_EqualsMariaDbBinlog()
    {
        foreach (var line in workload.Log)
            output.WriteLine(line);
        using var deadline = TestDeadline.CreateTokenSource(TimeSpan.FromMinutes(10 + workload.Features.LargeTransactionRows / 20_000));
        await BinlogCommandJudge.RunAsync(workload, output.WriteLine, deadline.Token);
    }
}
