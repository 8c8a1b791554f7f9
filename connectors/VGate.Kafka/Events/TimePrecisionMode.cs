namespace VGate.Kafka.Events;

/// <summary>
/// How DATE, TIME, DATETIME and TIMESTAMP columns are written: Debezium's <c>time.precision.mode</c>. Debezium's
/// <c>adaptive</c> mode is left out, as in the MySQL connector: it writes TIME as int32 milliseconds, which cannot hold
/// MySQL's TIME range (±838:59:59).
/// </summary>
public enum TimePrecisionMode
{
    /// <summary><c>adaptive_time_microseconds</c> (default): DATE days, TIME microseconds, DATETIME milliseconds or microseconds by its precision, TIMESTAMP an ISO-8601 UTC string.</summary>
    AdaptiveTimeMicroseconds,

    /// <summary>
    /// <c>connect</c>: Kafka Connect's Date, Time and Timestamp logical types (millisecond precision). A TIME beyond
    /// ±596:31:23 does not fit Kafka's int32 Time and fails the stream.
    /// </summary>
    Connect,

    /// <summary><c>isostring</c>: DATE, TIME and DATETIME as the text the stream carries; TIMESTAMP as in <see cref="AdaptiveTimeMicroseconds"/>.</summary>
    IsoString,
}
