namespace VGate.Kafka.Events;

/// <summary>How FLOAT (FLOAT32) columns are written. The Debezium Vitess connector has no property for this.</summary>
public enum FloatHandling
{
    /// <summary>
    /// As the Vitess connector does (default): schema <c>double</c>, the value read as a 32-bit float and widened, so
    /// <c>1.1</c> is written <c>1.100000023841858</c>, as Java's <c>Float.valueOf(text).doubleValue()</c> gives it.
    /// </summary>
    Double,

    /// <summary>Schema <c>float</c> (Kafka Connect FLOAT32), the value as a 32-bit float (<c>1.1</c>).</summary>
    Float,
}
