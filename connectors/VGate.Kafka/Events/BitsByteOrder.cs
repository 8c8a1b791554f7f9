namespace VGate.Kafka.Events;

/// <summary>The byte order of <c>BIT(n)</c> values with n &gt; 1 (<c>io.debezium.data.Bits</c>). The Debezium Vitess connector has no property for this.</summary>
public enum BitsByteOrder
{
    /// <summary>As the Vitess connector does (default): VStream's bytes as they are, most significant byte first.</summary>
    BigEndian,

    /// <summary>As Debezium's MySQL connector does: least significant byte first.</summary>
    LittleEndian,
}
