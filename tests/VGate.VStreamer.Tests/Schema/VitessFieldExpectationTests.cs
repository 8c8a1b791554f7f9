using System.Globalization;
using Binlogdata;
using VGate.Testing;
using VGate.VStreamer.Tests.CopyPhase;
using VGate.VStreamer.Tests.Framework;

namespace VGate.VStreamer.Tests.Schema;

/// <summary>
/// The FIELD events Vitess's own vstreamer tests expect, for the tables of those tests, run on MariaDB through the binlog
/// path and the copy path. Source: vitessio/vitess go/vt/vttablet/tabletserver/vstreamer/vstreamer_test.go
/// (TestSetAndEnum, TestCellValuePadding, TestColumnCollationHandling), whose expected fields come from
/// helper_event_test.go getFieldEvent: int → INT32, length 11, charset 63, "int(11)"; binary/varbinary → byte length,
/// charset 63; char/varchar → length × the charset's width (4 for utf8mb4), and BINARY for a char with a binary
/// collation; text → 262140; set → 204 (428 and BINARY with a binary collation: lengthSet, lengthSetBinary); enum →
/// 4 for enum('S','M','L'), BINARY with a binary collation. The tests' default collation is the server's default for
/// utf8mb4 (testenv.DefaultCollationID); TestColumnCollationHandling's extra collation is its MySQL 5.7 variant,
/// utf8mb4_croatian_ci, which MariaDB also has. Flags are not part of those expectations (FieldEventTests checks them).
/// </summary>
[Trait("Category", "Integration")]
public sealed class VitessFieldExpectationTests(MariaDbFixture fixture) : IClassFixture<MariaDbFixture>
{
    /// <summary>One expected field: name, type, column_length, collation (null: the utf8mb4 default), column_type.</summary>
    private sealed record Expected(string Name, Query.Type Type, uint Length, string? Collation, string ColumnType);

    private const string Binary = "binary";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "TestSetAndEnum", "t1",
            "create table {db}.t1(id int, val binary(4), color set('red','green','blue','black','white','pink','purple','yellow','brown'), size enum('S','M','L'), primary key(id)) ENGINE=InnoDB CHARSET=utf8mb4",
            "insert into {db}.t1 values (1, 'aaa', 'red,blue', 'S')"
        },
        {
            "TestSetAndEnum", "t2",
            "create table {db}.t2(id int, val binary(4), color set('red','green','blue','black','white','pink','purple','yellow','brown','eggshell','mint','tan','fuschia','teal','babyblue','grey','bulletgrey') collate utf8mb4_bin, size enum('S','M','L') collate utf8mb4_bin, primary key(id)) charset=utf8mb4 ENGINE=InnoDB CHARSET=utf8mb4",
            "insert into {db}.t2 values (1, 'xxx', 'red,blue,black,grey', 'S')"
        },
        {
            "TestCellValuePadding", "t1",
            "create table {db}.t1(id int, val binary(4), primary key(val)) ENGINE=InnoDB CHARSET=utf8mb4",
            "insert into {db}.t1 values (1, 'aaa\\0')"
        },
        {
            "TestCellValuePadding", "t2",
            "create table {db}.t2(id int, val char(4), primary key(val)) ENGINE=InnoDB CHARSET=utf8mb4",
            "insert into {db}.t2 values (1, 'aaa')"
        },
        {
            "TestCellValuePadding", "t3",
            "create table {db}.t3(id int, val char(4) collate utf8mb4_bin, primary key(val)) ENGINE=InnoDB CHARSET=utf8mb4",
            "insert into {db}.t3 values (1, 'aaa')"
        },
        {
            "TestColumnCollationHandling", "t1",
            "create table {db}.t1(id int, txt text, val char(4) collate utf8mb4_bin, id2 int, val2 varchar(64) collate utf8mb4_general_ci, valvb varbinary(128), val3 varchar(255) collate utf8mb4_croatian_ci, primary key(val)) ENGINE=InnoDB CHARSET=utf8mb4",
            "insert into {db}.t1 values (1, 'aaa', 'aaa', 1, 'aaa', 'aaa', 'aaa')"
        },
    };

    private static readonly Dictionary<(string Test, string Table), Expected[]> ExpectedFields = new()
    {
        [("TestSetAndEnum", "t1")] =
        [
            new("id", Query.Type.Int32, 11, Binary, "int(11)"),
            new("val", Query.Type.Binary, 4, Binary, "binary(4)"),
            new("color", Query.Type.Set, 204, null, "set('red','green','blue','black','white','pink','purple','yellow','brown')"),
            new("size", Query.Type.Enum, 4, null, "enum('S','M','L')"),
        ],
        [("TestSetAndEnum", "t2")] =
        [
            new("id", Query.Type.Int32, 11, Binary, "int(11)"),
            new("val", Query.Type.Binary, 4, Binary, "binary(4)"),
            new("color", Query.Type.Binary, 428, "utf8mb4_bin",
                "set('red','green','blue','black','white','pink','purple','yellow','brown','eggshell','mint','tan','fuschia','teal','babyblue','grey','bulletgrey')"),
            new("size", Query.Type.Binary, 4, "utf8mb4_bin", "enum('S','M','L')"),
        ],
        [("TestCellValuePadding", "t1")] =
        [
            new("id", Query.Type.Int32, 11, Binary, "int(11)"),
            new("val", Query.Type.Binary, 4, Binary, "binary(4)"),
        ],
        [("TestCellValuePadding", "t2")] =
        [
            new("id", Query.Type.Int32, 11, Binary, "int(11)"),
            new("val", Query.Type.Char, 16, null, "char(4)"),
        ],
        [("TestCellValuePadding", "t3")] =
        [
            new("id", Query.Type.Int32, 11, Binary, "int(11)"),
            new("val", Query.Type.Binary, 16, "utf8mb4_bin", "char(4)"),
        ],
        [("TestColumnCollationHandling", "t1")] =
        [
            new("id", Query.Type.Int32, 11, Binary, "int(11)"),
            new("txt", Query.Type.Text, 262140, null, "text"),
            new("val", Query.Type.Binary, 16, "utf8mb4_bin", "char(4)"),
            new("id2", Query.Type.Int32, 11, Binary, "int(11)"),
            new("val2", Query.Type.Varchar, 256, "utf8mb4_general_ci", "varchar(64)"),
            new("valvb", Query.Type.Varbinary, 128, Binary, "varbinary(128)"),
            new("val3", Query.Type.Varchar, 1020, "utf8mb4_croatian_ci", "varchar(255)"),
        ],
    };

    [ServerTheory]
    [MemberData(nameof(Cases))]
    public async Task FieldEvent_VitessTestTable_MatchesVitessExpectedFields(string test, string table, string create, string insert)
    {
        var spec = await StreamSpec.CreateAsync(fixture, create);
        var position = await spec.PositionAsync();
        await spec.ExecuteAsync(insert);
        var expected = await ToStringsAsync(spec.Database, table, ExpectedFields[(test, table)]);

        var streamed = (await spec.StreamAsync(position, 1)).Single(e => e.Type == VEventType.Field).FieldEvent;
        var copied = (await CopyHarness.CollectAsync(new ShardStreamer(CopyHarness.Options(spec)), CopyHarness.CopyCompleted))
            .Single(e => e.Type == VEventType.Field).FieldEvent;

        Assert.Equal(expected, streamed.Fields.Select(ToString));
        Assert.Equal(expected, copied.Fields.Select(ToString));
        var hasEnumOrSet = expected.Any(f => f.Contains("enum(", StringComparison.Ordinal) || f.Contains("set(", StringComparison.Ordinal));
        Assert.Equal(hasEnumOrSet, streamed.EnumSetStringValues);
    }

    // The attributes Vitess's TestFieldEvent.String sets (no flags, no decimals).
    private static string ToString(Query.Field field) => string.Create(CultureInfo.InvariantCulture,
        $"{field.Name} {field.Type} {field.Table}/{field.OrgTable} {field.Database} {field.OrgName} length={field.ColumnLength} charset={field.Charset} '{field.ColumnType}'");

    private async Task<List<string>> ToStringsAsync(string database, string table, Expected[] fields)
    {
        var result = new List<string>();
        foreach (var field in fields)
        {
            var collation = field.Collation switch
            {
                Binary => 63,
                null => Convert.ToInt32(await fixture.Server.ScalarAsync<object>(
                    "SELECT co.ID FROM information_schema.CHARACTER_SETS cs JOIN information_schema.COLLATIONS co " +
                    "ON co.COLLATION_NAME = cs.DEFAULT_COLLATE_NAME WHERE cs.CHARACTER_SET_NAME = 'utf8mb4'"), CultureInfo.InvariantCulture),
                var name => Convert.ToInt32(await fixture.Server.ScalarAsync<object>(
                    $"SELECT ID FROM information_schema.COLLATIONS WHERE COLLATION_NAME = '{name}'"), CultureInfo.InvariantCulture),
            };
            result.Add(string.Create(CultureInfo.InvariantCulture,
                $"{field.Name} {field.Type} {table}/{table} {database} {field.Name} length={field.Length} charset={collation} '{field.ColumnType}'"));
        }
        return result;
    }
}
