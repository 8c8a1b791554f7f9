namespace VGate.Kafka.Events;

/// <summary>How DECIMAL columns are written: Debezium's <c>decimal.handling.mode</c>.</summary>
public enum DecimalHandling
{
    /// <summary><c>precise</c>: Kafka Connect <c>org.apache.kafka.connect.data.Decimal</c> (the unscaled value as big-endian two's-complement bytes, base64 in JSON; the scale is a schema parameter).</summary>
    Precise,

    /// <summary><c>string</c>: the decimal text, e.g. <c>"-12.50"</c>. The Vitess connector always writes this.</summary>
    String,

    /// <summary><c>double</c>: a JSON number (may lose precision).</summary>
    Double,
}
