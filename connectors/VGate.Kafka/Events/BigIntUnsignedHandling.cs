namespace VGate.Kafka.Events;

/// <summary>How BIGINT UNSIGNED (UINT64) columns are written: Debezium's <c>bigint.unsigned.handling.mode</c>.</summary>
public enum BigIntUnsignedHandling
{
    /// <summary><c>string</c> (the Vitess connector's default): the decimal text.</summary>
    String,

    /// <summary><c>long</c>: an int64; values above 9223372036854775807 wrap to negative numbers, as in Debezium.</summary>
    Long,

    /// <summary><c>precise</c>: <c>org.apache.kafka.connect.data.Decimal</c> with scale 0.</summary>
    Precise,
}
