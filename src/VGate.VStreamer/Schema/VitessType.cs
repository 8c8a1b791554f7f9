namespace VGate.VStreamer.Schema;

/// <summary>
/// Values of Vitess's <c>query.Type</c>: an ordinal combined with flag bits (ISINTEGRAL 256, ISUNSIGNED 512,
/// ISFLOAT 1024, ISQUOTED 2048, ISTEXT 4096, ISBINARY 8192). Kept as plain integers here so the mapping from
/// binlog column types can be read and tested without the generated proto types.
/// </summary>
internal static class VitessType
{
    public const int NullType = 0;
    public const int Int8 = 257;
    public const int Uint8 = 770;
    public const int Int16 = 259;
    public const int Uint16 = 772;
    public const int Int24 = 261;
    public const int Uint24 = 774;
    public const int Int32 = 263;
    public const int Uint32 = 776;
    public const int Int64 = 265;
    public const int Uint64 = 778;
    public const int Float32 = 1035;
    public const int Float64 = 1036;
    public const int Timestamp = 2061;
    public const int Date = 2062;
    public const int Time = 2063;
    public const int Datetime = 2064;
    public const int Year = 785;
    public const int Decimal = 18;
    public const int Text = 6163;
    public const int Blob = 10260;
    public const int Varchar = 6165;
    public const int Varbinary = 10262;
    public const int Char = 6167;
    public const int Binary = 10264;
    public const int Bit = 2073;
    public const int Enum = 2074;
    public const int Set = 2075;
    public const int Geometry = 2077;
    public const int Json = 2078;
    public const int Vector = 2083;
}
