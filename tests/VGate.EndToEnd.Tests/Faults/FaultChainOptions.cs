using System.Globalization;

namespace VGate.EndToEnd.Tests.Faults;

/// <summary>
/// The size of a fault-chain run. The CI test uses the defaults; <c>bench/soak.sh</c> sets the <c>VGATE_FAULT_*</c>
/// environment variables (<see cref="FromEnvironment"/>) for a long run.
/// </summary>
internal sealed record FaultChainOptions
{
    /// <summary>Seeds the fault schedule and the workload.</summary>
    public int Seed { get; init; }

    /// <summary>The workload runs at least until this many transactions have committed.</summary>
    public int MinTransactions { get; init; } = 8000;

    /// <summary>… and at least until this many faults have been injected.</summary>
    public int MinFaults { get; init; } = 12;

    /// <summary>… and at least this long.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.Zero;

    /// <summary>Transactions a second per shard writer (0: as fast as possible).</summary>
    public double RatePerWriter { get; init; } = 150;

    /// <summary>Partitions of the data topic (the mock cluster keeps 5 MiB per partition).</summary>
    public int Partitions { get; init; } = 16;

    /// <summary>Where to write the resource samples (CSV), or null.</summary>
    public string? CsvFile { get; init; }

    /// <summary>How often to sample.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The defaults overridden by <c>VGATE_FAULT_SEED</c>, <c>VGATE_FAULT_TRANSACTIONS</c>, <c>VGATE_FAULT_FAULTS</c>,
    /// <c>VGATE_FAULT_MINUTES</c>, <c>VGATE_FAULT_RATE</c>, <c>VGATE_FAULT_PARTITIONS</c> and <c>VGATE_FAULT_CSV</c>;
    /// without a seed, a random one.
    /// </summary>
    public static FaultChainOptions FromEnvironment()
    {
        var defaults = new FaultChainOptions();
        var minutes = Number("VGATE_FAULT_MINUTES");
        return defaults with
        {
            Seed = (int?)Number("VGATE_FAULT_SEED") ?? Random.Shared.Next(),
            MinTransactions = (int?)Number("VGATE_FAULT_TRANSACTIONS") ?? defaults.MinTransactions,
            MinFaults = (int?)Number("VGATE_FAULT_FAULTS") ?? defaults.MinFaults,
            Duration = minutes is { } m ? TimeSpan.FromMinutes(m) : defaults.Duration,
            RatePerWriter = Number("VGATE_FAULT_RATE") ?? defaults.RatePerWriter,
            Partitions = (int?)Number("VGATE_FAULT_PARTITIONS") ?? defaults.Partitions,
            CsvFile = Environment.GetEnvironmentVariable("VGATE_FAULT_CSV") is { Length: > 0 } csv ? csv : null,
            SampleInterval = minutes is not null ? TimeSpan.FromSeconds(5) : defaults.SampleInterval,
        };

        static double? Number(string name) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed} (VGATE_FAULT_SEED={Seed}), at least {MinTransactions} transactions, {MinFaults} faults, {Duration.TotalMinutes:0.#} minutes, {RatePerWriter} tx/s per writer, {Partitions} partitions");
}
