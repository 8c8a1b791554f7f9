namespace VGate.MySql.Binlog.Events;

/// <summary>
/// An event VGate does not interpret (an unknown or unsupported type code, or a type that carries nothing a
/// change-data-capture reader needs). It is skipped safely; callers may log it.
/// </summary>
public sealed class UnknownEvent : BinlogEvent
{
    /// <summary>LOG_EVENT_IGNORABLE_F: the writer marked the event as safe to ignore for readers that do not know it.</summary>
    public const ushort IgnorableFlag = 0x0080;

    private UnknownEvent(EventHeader header, ReadOnlyMemory<byte> body)
        : base(header) => Body = body;

    /// <summary>
    /// The body (without header and checksum). References the buffer passed to
    /// <see cref="BinlogEventParser.Parse(ReadOnlyMemory{byte})"/>: valid only until the next event is requested from
    /// the stream. Copy it to keep it.
    /// </summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>True when the writer set LOG_EVENT_IGNORABLE_F.</summary>
    public bool IsIgnorable => (Header.Flags & IgnorableFlag) != 0;

    /// <param name="header">The common header.</param>
    /// <param name="body">Body without header and checksum; referenced, not copied.</param>
    internal static UnknownEvent Parse(EventHeader header, ReadOnlyMemory<byte> body) => new(header, body);
}
