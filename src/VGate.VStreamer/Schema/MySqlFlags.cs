namespace VGate.VStreamer.Schema;

/// <summary>MySQL column flag bits as carried in <c>query.Field.flags</c> (values of <c>query.MySqlFlag</c>).</summary>
[Flags]
internal enum MySqlFlags : uint
{
    None = 0,
    NotNull = 1,
    PrimaryKey = 2,
    UniqueKey = 4,
    MultipleKey = 8,
    Blob = 16,
    Unsigned = 32,
    ZeroFill = 64,
    Binary = 128,
    Enum = 256,
    AutoIncrement = 512,
    Timestamp = 1024,
    Set = 2048,
    NoDefaultValue = 4096,
    OnUpdateNow = 8192,
    PartKey = 16384,
    Num = 32768,
}
