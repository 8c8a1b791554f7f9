namespace VGate.Kafka.Tests.Events;

/// <summary>A clock that always reads <see cref="Now"/>, so processing-time fields (<c>ts_ms</c>) are exact in assertions.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Default = new(2026, 11, 25, 12, 0, 0, 123, TimeSpan.Zero);

    public DateTimeOffset Now { get; } = now;

    public FixedTimeProvider()
        : this(Default)
    {
    }

    public override DateTimeOffset GetUtcNow() => Now;
}
