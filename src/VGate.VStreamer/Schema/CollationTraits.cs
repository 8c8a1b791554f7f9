using System.Collections.Frozen;
using VGate.MySql.Binlog.Rows;

namespace VGate.VStreamer.Schema;

/// <summary>
/// What a collation id implies for a column's result-set metadata beyond its character set's
/// <see cref="MySqlCharsets.GetMaxBytesPerCharacter">maximum character width</see>.
/// </summary>
internal static class CollationTraits
{
    /// <summary>
    /// Collations that sort by code (<c>MY_CS_BINSORT</c>): every <c>*_bin</c> collation, PAD SPACE and NO PAD. The
    /// server sets BINARY_FLAG on a character column with one of them (<c>Field_str</c> constructor), which is what makes
    /// Vitess type it BINARY/VARBINARY/BLOB. Ids from MariaDB 10.11's <c>information_schema.COLLATIONS</c> (names ending in
    /// <c>_bin</c>), plus MySQL 8's <c>gb18030_bin</c> (249) and <c>utf8mb4_0900_bin</c> (309), which MariaDB does not have.
    /// </summary>
    private static readonly FrozenSet<int> BinarySort = FrozenSet.ToFrozenSet(
    [
        43, 46, 47, 50, 53, 55, 58, 61, 62, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 77, 78, 79, 80, 81, 82, 83, 84,
        85, 86, 87, 88, 89, 90, 91, 93, 96, 98,
        249, 309,
        1067, 1070, 1071, 1074, 1077, 1079, 1082, 1085, 1086, 1088, 1089, 1090, 1091, 1092, 1093, 1094, 1095, 1096, 1097,
        1098, 1099, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109, 1110, 1111, 1112, 1113, 1114, 1115, 1117, 1120,
        1122,
    ]);

    /// <summary>
    /// True for a column the server flags BINARY: the binary character set (63, also assumed when the binlog names no
    /// collation) or a <c>*_bin</c> collation.
    /// </summary>
    public static bool IsBinarySort(int collationId) =>
        collationId is 0 or MySqlCharsets.BinaryCollationId || BinarySort.Contains(collationId);

    /// <summary>
    /// The shortest a character of the collation's character set can be, in bytes (MySQL's <c>mbminlen</c>): 2 for
    /// ucs2/utf16/utf16le, 4 for utf32, 1 otherwise. The server divides a TEXT column's byte length by it to count
    /// characters when it reports the column's length to a client.
    /// </summary>
    public static int GetMinBytesPerCharacter(int collationId) => MySqlCharsets.GetCharsetName(collationId) switch
    {
        "ucs2" or "utf16" or "utf16le" => 2,
        "utf32" => 4,
        _ => 1,
    };
}
