using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class TableMapEventTests
{
    private static readonly string[] TypesColumnNames =
    [
        "b_bit", "n_boolean", "n_tinyint", "n_smallint", "n_mediumint", "n_int", "n_bigint", "n_decimal", "n_float", "n_double",
        "nu_tinyint", "nu_smallint", "nu_mediumint", "nu_int", "nu_bigint", "nu_decimal", "nu_float", "nu_double",
        "t_year", "t_date", "t_time", "t_ftime", "t_datetime", "t_fdatetime", "t_timestamp", "t_ftimestamp",
        "c_char", "c_varchar", "c_binary", "c_varbinary", "c_tinyblob", "c_blob", "c_mediumblob", "c_longblob",
        "c_tinytext", "c_text", "c_mediumtext", "c_longtext", "e_enum", "s_set", "g_geometry", "j_json",
    ];

    [Theory]
    [InlineData(Case0, false, false)]
    [InlineData(Case1, true, false)]
    [InlineData(Case2, false, true)]
    [InlineData(Case3, true, true)]
    public void Parse_TypesTable_ColumnsAndOptionalNames(string hex, bool hasNames, bool isMariaDb)
    {
        var map = Parse(hex, isMariaDb);

        Assert.Equal("test", map.Database);
        Assert.Equal("_types", map.Table);
        Assert.Equal(42, map.Columns.Count);
        Assert.Equal(hasNames, map.HasColumnNames);
        Assert.Equal(hasNames ? TypesColumnNames : new string?[42], map.Columns.Select(c => c.Name));

        // ENUM and SET travel as STRING and are resolved from the metadata's real-type byte.
        Assert.Equal(ColumnType.String, map.Columns[38].WireType);
        Assert.Equal(ColumnType.Enum, map.Columns[38].Type);
        Assert.Equal(ColumnType.Set, map.Columns[39].Type);
        Assert.Equal(ColumnType.String, map.Columns[26].Type);
        Assert.Equal(hasNames ? ["a", "b"] : null, map.Columns[38].EnumValues);
        Assert.Equal(hasNames ? ["1", "2"] : null, map.Columns[39].SetValues);
        Assert.Null(map.Columns[38].SetValues);

        // DECIMAL(precision, scale) metadata is precision in the low byte, scale in the high byte.
        Assert.Equal(ColumnType.NewDecimal, map.Columns[7].Type);
        Assert.All(map.Columns, c => Assert.True(c.IsVisible));
    }

    [Fact]
    public void Parse_MySql8TypesTable_SignednessAndCharsetsFollowMySqlColumnClasses()
    {
        var map = Parse(Case1, isMariaDb: false);

        // SIGNEDNESS has a bit per numeric column (not BIT, not YEAR): exactly the nu_* columns are unsigned.
        Assert.Equal(Enumerable.Range(10, 8), map.Columns.Where(c => c.IsUnsigned).Select(c => c.Index));

        // COLUMN_CHARSET lists CHAR/VARCHAR/BINARY/VARBINARY/BLOB/TEXT columns; ENUM/SET come from ENUM_AND_SET_DEFAULT_CHARSET.
        int[] expected = [.. Enumerable.Repeat(0, 26), 224, 224, 63, 63, 63, 63, 63, 63, 224, 224, 224, 224, 224, 224, 0, 0];
        Assert.Equal(expected, map.Columns.Select(c => c.CollationId));
        Assert.Equal(0, map.Columns[40].GeometryType);
        Assert.Equal(ColumnType.Json, map.Columns[41].Type);
    }

    [Fact]
    public void Parse_MariaDb105TypesTable_YearIsNumericAndGeometryIsCharacter()
    {
        var map = Parse(Case3, isMariaDb: true);

        // MariaDB's SIGNEDNESS also covers YEAR (a Field_tiny, unsigned); its charsets also cover GEOMETRY, and JSON
        // is LONGTEXT (BLOB) with utf8mb4_bin (46).
        Assert.Equal([.. Enumerable.Range(10, 8), 18], map.Columns.Where(c => c.IsUnsigned).Select(c => c.Index));
        int[] expected = [.. Enumerable.Repeat(0, 26), 224, 224, 63, 63, 63, 63, 63, 63, 224, 224, 224, 224, 224, 224, 63, 46];
        Assert.Equal(expected, map.Columns.Select(c => c.CollationId));
        Assert.Equal(ColumnType.Blob, map.Columns[41].Type);
    }

    [Theory]
    [InlineData(Case4, false, "_prim", new int[0], new int[0])]
    [InlineData(Case5, false, "_prim", new[] { 2, 0 }, new[] { 0, 0 })]
    [InlineData(Case6, true, "_prim", new int[0], new int[0])]
    [InlineData(Case7, true, "_prim", new[] { 2, 0 }, new[] { 0, 0 })]
    [InlineData(Case8, false, "_prim2", new int[0], new int[0])]
    [InlineData(Case9, false, "_prim2", new[] { 1, 3 }, new[] { 0, 10 })]
    [InlineData(Case10, true, "_prim2", new int[0], new int[0])]
    [InlineData(Case11, true, "_prim2", new[] { 1, 3 }, new[] { 0, 10 })]
    public void Parse_PrimaryKeyVectors_KeyColumnsAndPrefixes(string hex, bool isMariaDb, string table, int[] key, int[] prefixes)
    {
        var map = Parse(hex, isMariaDb);

        Assert.Equal(table, map.Table);
        Assert.Equal(key, map.PrimaryKey);
        Assert.Equal(prefixes, map.PrimaryKeyPrefixes);
        Assert.Equal(key.Order(), map.Columns.Where(c => c.IsPrimaryKey).Select(c => c.Index));
        for (var i = 0; i < key.Length; i++)
            Assert.Equal(prefixes[i], map.Columns[key[i]].PrimaryKeyPrefix);
    }

    [Fact]
    public void Parse_PrimaryKeyWithPrefix_NamesAndTypesOfPrim2()
    {
        var map = Parse(Case9, isMariaDb: false);

        Assert.Equal(["col1", "id1", "col2", "id2"], map.Columns.Select(c => c.Name));
        Assert.Equal([ColumnType.Long, ColumnType.String, ColumnType.Long, ColumnType.VarChar], map.Columns.Select(c => c.Type));
        Assert.Equal(80, map.Columns[3].Metadata);
    }

    [Theory]
    [InlineData(Case12, false, true, new[] { 1, 3, 4, 8 })]
    [InlineData(Case13, false, false, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(Case14, false, true, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(Case15, true, false, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(Case16, true, false, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    public void Parse_VisibilityVectors_VisibleColumns(string hex, bool isMariaDb, bool hasVisibility, int[] visible)
    {
        var map = Parse(hex, isMariaDb);

        Assert.Equal("_visibility", map.Table);
        Assert.Equal(hasVisibility, map.HasColumnVisibility);
        Assert.Equal(visible, map.Columns.Where(c => c.IsVisible).Select(c => c.Index));
    }

    [Fact]
    public void Parse_VectorBinlog_VectorDimensionsAndBinaryCharset()
    {
        var maps = new Dictionary<string, TableMapEvent>();
        TestData.ForEachEvent("mysql/rust_mysql_common/vector.binlog", ev =>
        {
            if (ev is TableMapEvent map)
                maps[map.Table] = map;
        });

        Assert.Equal([3], maps["foo"].Columns.Where(c => c.Type == ColumnType.Vector).Select(c => c.VectorDimensions!.Value));
        Assert.Equal([2, 4], maps["bar"].Columns.Where(c => c.Type == ColumnType.Vector).Select(c => c.VectorDimensions!.Value));
        Assert.Null(maps["bar"].Columns[0].VectorDimensions);

        // MySQL 9 counts VECTOR as a character column (binary): in `bar` the DEFAULT_CHARSET exception for character
        // column 1 is the TEXT column (utf8mb4_0900_ai_ci), between the two vectors.
        Assert.Equal([0, 63, 255, 63], maps["bar"].Columns.Select(c => c.CollationId));
        Assert.True(maps["bar"].Columns[0].IsUnsigned);
    }

    [Fact]
    public void Parse_MariaDbBin_ColumnNamesEnumValuesAndKey()
    {
        TableMapEvent? map = null;
        TestData.ForEachEvent("mysql/rust_mysql_common/mariadb-bin.000001", ev => map = ev as TableMapEvent ?? map);

        Assert.NotNull(map);
        Assert.Equal("toddy_test", map.Database);
        Assert.Equal("outbox", map.Table);
        Assert.Equal(["id", "topic", "event_type", "event", "created"], map.Columns.Select(c => c.Name));
        Assert.Equal([0], map.PrimaryKey);
        Assert.Equal(ColumnType.Enum, map.Columns[2].Type);
        Assert.Equal(["BLOB", "JSON", "PROTOBUF"], map.Columns[2].EnumValues);
        Assert.Equal([0, 45, 45, 63, 0], map.Columns.Select(c => c.CollationId));
        Assert.Equal(1020, map.Columns[1].Metadata);
    }

    [Fact]
    public void Parse_InvisibleColumnsBinlog_VisibilityMatchesDdl()
    {
        TableMapEvent? map = null;
        TestData.ForEachEvent("mysql/rust_mysql_common/binlog-invisible-columns.000001", ev => map = ev as TableMapEvent ?? map);

        Assert.NotNull(map);
        Assert.True(map.HasColumnVisibility);
        var invisible = map.Columns.Where(c => !c.IsVisible).Select(c => c.Name).ToList();
        Assert.Contains("f1", invisible);
        Assert.Contains("f2", invisible);
        Assert.Equal(3, map.Columns.Count(c => c.IsVisible));
    }

    [Fact]
    public void Parse_MariaDb1011Capture_FlavorRulesForSignednessAndCharsets()
    {
        TableMapEvent? map = null;
        TestData.ForEachEvent("mariadb/mariadb-10.11-rows.000001", ev => map = ev is TableMapEvent { Table: "t" } t ? t : map);

        Assert.NotNull(map);
        string[] names = ["id", "ti", "si", "mi", "bi", "f", "d", "dc", "y", "dt", "tm", "dtm", "ts", "b", "c", "vc", "bn", "vb", "tx", "bl", "mb", "e", "s", "g", "j", "cl"];
        Assert.Equal(names, map.Columns.Select(c => c.Name));
        Assert.Equal(["ti", "bi", "y"], map.Columns.Where(c => c.IsUnsigned).Select(c => c.Name));

        // latin1_swedish_ci (8) is the server default; BINARY/VARBINARY/BLOB and GEOMETRY are binary (63); JSON is utf8mb4_bin.
        var collations = map.Columns.ToDictionary(c => c.Name!, c => c.CollationId);
        Assert.Equal(8, collations["c"]);
        Assert.Equal(63, collations["bn"]);
        Assert.Equal(63, collations["g"]);
        Assert.Equal(46, collations["j"]);
        Assert.Equal(8, collations["cl"]);
        Assert.Equal(8, collations["e"]);
        Assert.Equal(0, collations["id"]);
        Assert.Equal(["a", "b", "c"], map.Columns[21].EnumValues);
        Assert.Equal(["x", "y", "z"], map.Columns[22].SetValues);
        Assert.Equal(0, map.Columns[23].GeometryType);
        Assert.Equal(300, map.Columns[15].Metadata);
        Assert.False(map.Columns[0].IsNullable);
        Assert.All(map.Columns.Skip(1), c => Assert.True(c.IsNullable));
    }

    [Fact]
    public void Parser_SameTableMapTwice_SharesTheParsedDefinitionUnderTheNewHeader()
    {
        var parser = TestData.MySql8Parser();
        var body = TestData.Hex(Case5);
        var first = parser.Parse(TestData.BuildEvent(EventType.TableMap, body, crc: true, nextPosition: 100));
        var second = parser.Parse(TestData.BuildEvent(EventType.TableMap, body, crc: true, nextPosition: 200));

        Assert.Same(((TableMapEvent)first).Columns, ((TableMapEvent)second).Columns);
        Assert.Equal(100u, first.Header.NextPosition);
        Assert.Equal(200u, second.Header.NextPosition);
        Assert.Equal(200u, parser.LastHeader.NextPosition);
        Assert.True(parser.TryGetTableMap(0x6c, out var cached));
        Assert.Same(first, cached);

        // A different definition under the same table id replaces the cached one.
        var changed = (byte[])body.Clone();
        changed[^1] ^= 0x01;
        var third = parser.Parse(TestData.BuildEvent(EventType.TableMap, changed, crc: true, nextPosition: 300));
        Assert.NotSame(first, third);
    }

    [Fact]
    public void Parser_SameTableMapTwice_AllocatesNothingForTheSecond()
    {
        var parser = TestData.MySql8Parser();
        var ev = TestData.BuildEvent(EventType.TableMap, TestData.Hex(Case1), crc: true);
        parser.Parse(ev);
        parser.Parse(ev);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            parser.Parse(ev);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Parse_TruncatedAtEveryOffset_ThrowsFormatException()
    {
        var body = TestData.Hex(Case9);
        for (var length = 0; length < body.Length; length++)
        {
            var cut = body.AsSpan(0, length).ToArray();
            try
            {
                _ = TableMapEvent.Parse(default, cut, 8, isMariaDb: false);
            }
            catch (BinlogFormatException)
            {
                continue;
            }

            // Cutting inside the optional metadata can only end on a whole TLV field; anything else must throw.
            Assert.True(length >= 33, $"length {length} parsed without error");
        }
    }

    private static TableMapEvent Parse(string hex, bool isMariaDb) =>
        TableMapEvent.Parse(default, TestData.Hex(hex), 8, isMariaDb);

    // [0] mysql 5.7 — TestTableMapOptMetaNames
    private const string Case0 =
        "7500000000000100047465737400065f7479706573002a10010102090308f604050102090308f604050d0a131312121111fe0ffe0ffcfc" +
        "fcfcfcfcfcfcfefefff5260008411e0408411e0408000600060006cefcfc03fe4040000102030401020304f701f80104040000fcc0ff03";

    // [1] mysql 8.0 — TestTableMapOptMetaNames
    private const string Case1 =
        "6a00000000000100047465737400065f7479706573002a10010102090308f604050102090308f604050d0a131312121111fe0ffe0ffcfc" +
        "fcfcfcfcfcfcfefefff5260008411e0408411e0408000600060006cefcfc03fe4040000102030401020304f701f80104040000fcc3ff03" +
        "0103007f80030ce0e03f3f3f3f3f3fe0e0e0e007010004fc940105625f626974096e5f626f6f6c65616e096e5f74696e79696e740a6e5f" +
        "736d616c6c696e740b6e5f6d656469756d696e74056e5f696e74086e5f626967696e74096e5f646563696d616c076e5f666c6f6174086e" +
        "5f646f75626c650a6e755f74696e79696e740b6e755f736d616c6c696e740c6e755f6d656469756d696e74066e755f696e74096e755f62" +
        "6967696e740a6e755f646563696d616c086e755f666c6f6174096e755f646f75626c6506745f7965617206745f6461746506745f74696d" +
        "6507745f6674696d650a745f6461746574696d650b745f666461746574696d650b745f74696d657374616d700c745f6674696d65737461" +
        "6d7006635f6368617209635f7661726368617208635f62696e6172790b635f76617262696e6172790a635f74696e79626c6f6206635f62" +
        "6c6f620c635f6d656469756d626c6f620a635f6c6f6e67626c6f620a635f74696e797465787406635f746578740c635f6d656469756d74" +
        "6578740a635f6c6f6e677465787406655f656e756d05735f7365740a675f67656f6d65747279066a5f6a736f6e0a01e005050201310132" +
        "06050201610162";

    // [2] mariadb 10.4 — TestTableMapOptMetaNames
    private const string Case2 =
        "1b00000000000100047465737400065f7479706573002a10010102090308f604050102090308f604050d0a131312121111fe0ffe0ffcfc" +
        "fcfcfcfcfcfcfefefffc260008411e0408411e0408000600060006cefcfc03fe4040000102030401020304f701f80104040000fcc0ff03";

    // [3] mariadb 10.5 — TestTableMapOptMetaNames
    private const string Case3 =
        "1a00000000000100047465737400065f7479706573002a10010102090308f604050102090308f604050d0a131312121111fe0ffe0ffcfc" +
        "fcfcfcfcfcfcfefefffc260008411e0408411e0408000600060006cefcfc03fe4040000102030401020304f701f80104040000fcc0ff03" +
        "0103007fc0030ee0e03f3f3f3f3f3fe0e0e0e03f2e07010004fc940105625f626974096e5f626f6f6c65616e096e5f74696e79696e740a" +
        "6e5f736d616c6c696e740b6e5f6d656469756d696e74056e5f696e74086e5f626967696e74096e5f646563696d616c076e5f666c6f6174" +
        "086e5f646f75626c650a6e755f74696e79696e740b6e755f736d616c6c696e740c6e755f6d656469756d696e74066e755f696e74096e75" +
        "5f626967696e740a6e755f646563696d616c086e755f666c6f6174096e755f646f75626c6506745f7965617206745f6461746506745f74" +
        "696d6507745f6674696d650a745f6461746574696d650b745f666461746574696d650b745f74696d657374616d700c745f6674696d6573" +
        "74616d7006635f6368617209635f7661726368617208635f62696e6172790b635f76617262696e6172790a635f74696e79626c6f620663" +
        "5f626c6f620c635f6d656469756d626c6f620a635f6c6f6e67626c6f620a635f74696e797465787406635f746578740c635f6d65646975" +
        "6d746578740a635f6c6f6e677465787406655f656e756d05735f7365740a675f67656f6d65747279066a5f6a736f6e0a01e00505020131" +
        "013206050201610162";

    // [4] mysql 5.7, case1 — TestTableMapOptMetaPrimaryKey
    private const string Case4 =
        "7700000000000100047465737400055f7072696d0003030f0802780002";

    // [5] mysql 8.0, case1 — TestTableMapOptMetaPrimaryKey
    private const string Case5 =
        "6c00000000000100047465737400055f7072696d0003030f08027800020101000201e0040c0369643203636f6c0369643108020200";

    // [6] mariadb 10.4, case1 — TestTableMapOptMetaPrimaryKey
    private const string Case6 =
        "1c00000000000100047465737400055f7072696d0003030f0802780002";

    // [7] mariadb 10.5, case1 — TestTableMapOptMetaPrimaryKey
    private const string Case7 =
        "1b00000000000100047465737400055f7072696d0003030f08027800020101000201e0040c0369643203636f6c0369643108020200";

    // [8] mysql 5.7, case2 — TestTableMapOptMetaPrimaryKey
    private const string Case8 =
        "7900000000000100047465737400065f7072696d32000403fe030f04fe28500005";

    // [9] mysql 8.0, case2 — TestTableMapOptMetaPrimaryKey
    private const string Case9 =
        "6d00000000000100047465737400065f7072696d32000403fe030f04fe285000050101000201e0041204636f6c310369643104636f6c32" +
        "0369643209040100030a";

    // [10] mariadb 10.4, case2 — TestTableMapOptMetaPrimaryKey
    private const string Case10 =
        "1d00000000000100047465737400065f7072696d32000403fe030f04fe28500005";

    // [11] mariadb 10.5, case2 — TestTableMapOptMetaPrimaryKey
    private const string Case11 =
        "1c00000000000100047465737400065f7072696d32000403fe030f04fe285000050101000201e0041204636f6c310369643104636f6c32" +
        "0369643209040100030a";

    // [12] mysql 8.0, case1 — TestTableMapOptMetaVisibility
    private const string Case12 =
        "5e000000000001000474657374000b5f7669736962696c697479000b030303030303030303030300ff0701020000043804636f6c300463" +
        "6f6c3104636f6c3204636f6c3304636f6c3404636f6c3504636f6c3604636f6c3704636f6c3804636f6c3905636f6c31300c025880";

    // [13] mysql 5.7, case2 — TestTableMapOptMetaVisibility
    private const string Case13 =
        "6d000000000001000474657374000b5f7669736962696c697479000b030303030303030303030300ff07";

    // [14] mysql 8.0, case2 — TestTableMapOptMetaVisibility
    private const string Case14 =
        "5e000000000001000474657374000b5f7669736962696c697479000b030303030303030303030300ff0701020000043804636f6c300463" +
        "6f6c3104636f6c3204636f6c3304636f6c3404636f6c3504636f6c3604636f6c3704636f6c3804636f6c3905636f6c31300c02ffe0";

    // [15] mariadb 10.4, case2 — TestTableMapOptMetaVisibility
    private const string Case15 =
        "12000000000001000474657374000b5f7669736962696c697479000b030303030303030303030300ff07";

    // [16] mariadb 10.5, case2 — TestTableMapOptMetaVisibility
    private const string Case16 =
        "12000000000001000474657374000b5f7669736962696c697479000b030303030303030303030300ff0701020000043804636f6c300463" +
        "6f6c3104636f6c3204636f6c3304636f6c3404636f6c3504636f6c3604636f6c3704636f6c3804636f6c3905636f6c3130";
}
