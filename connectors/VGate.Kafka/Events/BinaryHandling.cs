namespace VGate.Kafka.Events;

/// <summary>How BINARY, VARBINARY and BLOB columns are written: Debezium's <c>binary.handling.mode</c>.</summary>
public enum BinaryHandling
{
    /// <summary><c>bytes</c> (Debezium's default) as the JSON converter writes it: schema type <c>bytes</c>, value base64.</summary>
    Base64,

    /// <summary><c>base64</c>: schema type <c>string</c>, value base64.</summary>
    Base64String,

    /// <summary><c>base64-url-safe</c>: schema type <c>string</c>, value base64url (RFC 4648 §5, with padding).</summary>
    Base64UrlSafe,

    /// <summary><c>hex</c>: schema type <c>string</c>, value lower-case hexadecimal.</summary>
    Hex,
}
