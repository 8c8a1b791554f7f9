namespace VGate.Kafka.Events;

/// <summary>How one column's value is written; chosen from the FIELD's type and the options (see docs/kafka-events.md).</summary>
internal enum ColumnKind
{
    /// <summary>NULL_TYPE: an optional string that is always null.</summary>
    Null,
    Int16,
    Int32,
    Int64,
    /// <summary>BIGINT UNSIGNED as int64, wrapping above long.MaxValue.</summary>
    UInt64Long,
    /// <summary>BIGINT UNSIGNED as its decimal text.</summary>
    UInt64String,
    /// <summary>BIGINT UNSIGNED as Connect Decimal, scale 0.</summary>
    UInt64Precise,
    /// <summary>FLOAT as a Connect float32.</summary>
    Float32,
    /// <summary>FLOAT read as float32 and written as a Connect float64 (the Vitess connector).</summary>
    Float32AsDouble,
    Float64,
    DecimalPrecise,
    DecimalString,
    DecimalDouble,
    /// <summary>DATE as int32 days since the epoch (io.debezium.time.Date or Connect Date).</summary>
    DateDays,
    /// <summary>TIME as int64 microseconds (io.debezium.time.MicroTime).</summary>
    TimeMicros,
    /// <summary>TIME as int32 milliseconds (Connect Time).</summary>
    TimeMillis,
    /// <summary>DATETIME/TIMESTAMP as int64 milliseconds since the epoch (io.debezium.time.Timestamp or Connect Timestamp).</summary>
    DateTimeMillis,
    /// <summary>DATETIME as int64 microseconds since the epoch (io.debezium.time.MicroTimestamp).</summary>
    DateTimeMicros,
    /// <summary>TIMESTAMP as an ISO-8601 UTC string (io.debezium.time.ZonedTimestamp).</summary>
    ZonedTimestamp,
    /// <summary>A temporal value as the text the stream carries (time.precision.mode isostring).</summary>
    IsoText,
    /// <summary>YEAR as int32 (io.debezium.time.Year).</summary>
    Year,
    /// <summary>CHAR/VARCHAR/TEXT as a string.</summary>
    Text,
    /// <summary>BINARY/VARBINARY/BLOB per binary.handling.mode.</summary>
    Bytes,
    /// <summary>BIT(1) as boolean.</summary>
    Boolean,
    /// <summary>BIT(n>1) as io.debezium.data.Bits, little-endian bytes (Debezium MySQL).</summary>
    Bits,
    /// <summary>BIT(n>1) as io.debezium.data.Bits, VStream's big-endian bytes (the Vitess connector).</summary>
    BitsBigEndian,
    Enum,
    EnumSet,
    Json,
    /// <summary>Spatial types as io.debezium.data.geometry.Geometry {wkb, srid}.</summary>
    Geometry,
    /// <summary>VECTOR as io.debezium.data.FloatVector (array of float32).</summary>
    FloatVector,
    /// <summary>A type the Vitess connector has no mapping for, with include.unknown.datatypes: VStream's bytes per binary.handling.mode.</summary>
    UnknownBytes,
    /// <summary>A type the Vitess connector has no mapping for, without include.unknown.datatypes: left out of schema and rows.</summary>
    Omitted,
}
