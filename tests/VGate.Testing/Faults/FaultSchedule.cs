using System.Globalization;

namespace VGate.Testing.Faults;

/// <summary>What a fault kills with SIGKILL.</summary>
public enum FaultKind
{
    /// <summary>The gateway process (<c>vgate serve</c>).</summary>
    Gateway,

    /// <summary>One shard's <c>mariadbd</c>, restarted on the same data directory and port.</summary>
    Shard,

    /// <summary>The Kafka sink process (<c>vgate-kafka</c>).</summary>
    Sink,
}

/// <summary>One scheduled fault: wait <paramref name="After"/>, kill, stay down <paramref name="Down"/>, start again.</summary>
/// <param name="Number">1, 2, … in schedule order.</param>
/// <param name="Kind">What is killed.</param>
/// <param name="Shard">For <see cref="FaultKind.Shard"/>, which shard (index).</param>
/// <param name="After">Time since the previous fault's restart.</param>
/// <param name="Down">Time between the kill and the restart.</param>
public sealed record Fault(int Number, FaultKind Kind, int Shard, TimeSpan After, TimeSpan Down)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"fault {Number}: kill -9 {(Kind == FaultKind.Shard ? $"shard {Shard} mariadbd" : Kind == FaultKind.Gateway ? "gateway" : "sink")} after {After.TotalMilliseconds:0} ms, down {Down.TotalMilliseconds:0} ms");
}

/// <summary>
/// A seeded, endless schedule of faults: each round kills the gateway, a shard's mariadbd and the sink once, in a
/// random order, at random moments (<see cref="MinGap"/>–<see cref="MaxGap"/> apart) with random down times (up to
/// <see cref="MaxDown"/>), so any 3 consecutive faults cover every kind. The same seed gives the same schedule.
/// </summary>
public sealed class FaultSchedule(int seed, int shards)
{
    private readonly Random _random = new(seed);
    private readonly Queue<FaultKind> _round = new();
    private int _number;

    public TimeSpan MinGap { get; init; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan MaxGap { get; init; } = TimeSpan.FromMilliseconds(2500);

    public TimeSpan MaxDown { get; init; } = TimeSpan.FromMilliseconds(1500);

    public Fault Next()
    {
        if (_round.Count == 0)
        {
            FaultKind[] kinds = [FaultKind.Gateway, FaultKind.Shard, FaultKind.Sink];
            _random.Shuffle(kinds);
            foreach (var kind in kinds)
                _round.Enqueue(kind);
        }

        var next = _round.Dequeue();
        var after = MinGap + TimeSpan.FromMilliseconds(_random.NextDouble() * (MaxGap - MinGap).TotalMilliseconds);
        var down = TimeSpan.FromMilliseconds(_random.NextDouble() * MaxDown.TotalMilliseconds);
        return new Fault(++_number, next, _random.Next(shards), after, down);
    }
}
