using VGate.VStreamer.Filtering;
using static VGate.VStreamer.Tests.Filtering.FilterTestTables;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>
/// Plan building, table-driven after Vitess's <c>TestPlanBuilder</c> and <c>TestPlanBuilderFilterComparison</c>.
/// A plan is compared through <see cref="Describe"/>: <c>columns | predicates | key ranges</c>, where a column is
/// <c>name(index)</c> with <c>~charset</c> for convert(… using …) and <c>@tz</c> for convert_tz.
/// </summary>
public sealed class TablePlanBuilderTests
{
    public static TheoryData<string, string, string, string> AcceptedForms => new()
    {
        // table, match, filter, expected plan
        { "t1", "/.*", "", "id(0), val(1) | | " },
        { "t1", "/.*/", "-80", "id(0), val(1) | | numeric[0] -80" },
        { "t1", "/t", "80-", "id(0), val(1) | | numeric[0] 80-" },
        { "t1", "t1", "select * from t1", "id(0), val(1) | | " },
        { "t1", "t1", "select * from `t1`", "id(0), val(1) | | " },
        { "t1", "t1", "SELECT * FROM `t1`;", "id(0), val(1) | | " },
        { "t1", "t1", "select id, val from t1", "id(0), val(1) | | " },
        { "t1", "t1", "select val, id from t1", "val(1), id(0) | | " },
        { "t1", "t1", "select `val`, `ID` from t1", "val(1), id(0) | | " },
        { "t1", "t1", "select val as v, id i from t1", "val(1), id(0) | | " },
        { "t1", "t1", "select val, id from t1 where in_keyrange(id, 'numeric', '-80')", "val(1), id(0) | | numeric[0] -80" },
        { "t1", "t1", "select val, id from t1 where in_keyrange(id, 'ks.numeric', '-80')", "val(1), id(0) | | ks.numeric[0] -80" },
        { "t1", "t1", "select val, id from t1 where in_keyrange('-80')", "val(1), id(0) | | numeric[0] -80" },
        { "t1", "t1", "select val, id from t1 where id = 1", "val(1), id(0) | `id` = 1 | " },
        { "regional", "regional", "select val, id from regional where in_keyrange('-80')", "val(2), id(1) | | region_vdx[0,1] -80" },
        { "regional", "regional", "select * from regional where in_keyrange(region, id, 'region_vdx', '80-')", "region(0), id(1), val(2) | | region_vdx[0,1] 80-" },
        { "t1", "t1", "select convert(val using utf8mb4) as val2, id as id from t1", "val(1)~utf8mb4, id(0) | | " },
        { "t1", "t1", "select CONVERT(val USING UTF8MB4) from t1", "val(1)~utf8mb4 | | " },
        { "regional", "regional", "select id, keyspace_id() from regional", "id(1), keyspace_id(-1) | | " },
        { "t1", "t1", "select 1, id from t1", "1(-1), id(0) | | " },
        { "items", "items", "select i, convert_tz(dt, 'UTC', '+00:00') as dt from items", "i(0), dt(6)@convert_tz(`dt`, 'UTC', '+00:00') | | " },
        { "items", "items", "select convert_tz(dt, 'SYSTEM', 'America/Argentina/Buenos_Aires') as dt from items", "dt(6)@convert_tz(`dt`, 'SYSTEM', 'America/Argentina/Buenos_Aires') | | " },
        { "items", "items", "select convert_tz(dt, '-05:30', 'Etc/GMT+5') as dt from items", "dt(6)@convert_tz(`dt`, '-05:30', 'Etc/GMT+5') | | " },
        { "t1", "t1", "select * from t1 where id <> 1", "id(0), val(1) | `id` != 1 | " },
        { "t1", "t1", "select * from t1 where id != 1", "id(0), val(1) | `id` != 1 | " },
        { "t1", "t1", "select * from t1 where val > 'abc'", "id(0), val(1) | `val` > 'abc' | " },
        { "t1", "t1", "select * from t1 where id >= 1", "id(0), val(1) | `id` >= 1 | " },
        { "t1", "t1", "select * from t1 where id < 2 and val <= 'xyz'", "id(0), val(1) | `id` < 2; `val` <= 'xyz' | " },
        {
            "t1", "t1", "select * from t1 where in_keyrange(id, 'numeric', '-80') and id = 2 and val <> 'xyz'",
            "id(0), val(1) | `id` = 2; `val` != 'xyz' | numeric[0] -80"
        },
        { "t1", "t1", "select * from t1 where id in (1, 2, 3)", "id(0), val(1) | `id` in (1, 2, 3) | " },
        { "t1", "t1", "select * from t1 where id IN (1)", "id(0), val(1) | `id` in (1) | " },
        { "t1", "t1", "select * from t1 where val is null", "id(0), val(1) | `val` is null | " },
        { "t1", "t1", "select * from t1 where val IS NOT NULL", "id(0), val(1) | `val` is not null | " },
        { "t1", "t1", "select * from t1 where id between 1 and 10", "id(0), val(1) | `id` between 1 and 10 | " },
        { "t1", "t1", "select * from t1 where id not between -5 and 5", "id(0), val(1) | `id` not between -5 and 5 | " },
        { "t1", "t1", "select * from t1 where id = -5", "id(0), val(1) | `id` = -5 | " },
        { "items", "items", "select i from items where d = 1.50 and f > 1e3", "i(0) | `d` = 1.50; `f` > 1e3 | " },
        { "items", "items", "select i from items where b = 0x41 and s = x'4142'", "i(0) | `b` = X'41'; `s` = X'4142' | " },
        { "items", "items", "select i from items where dt >= '2024-01-01' and tm < '10:00:00'", "i(0) | `dt` >= '2024-01-01'; `tm` < '10:00:00' | " },
        { "t1", "t1", "select * from t1 where val = 'it''s' and val != 'a\\'b\\\\c'", "id(0), val(1) | `val` = _utf8mb4 X'69742773'; `val` != _utf8mb4 X'6127625C63' | " },
        { "t1", "t1", "select * from t1 where val = \"dq\"", "id(0), val(1) | `val` = 'dq' | " },
        { "t1", "t1", "Select Id From t1 Where ID Is Not Null", "id(0) | `id` is not null | " },
        { "t1", "t1", "select id from t1 as x where id = true", "id(0) | `id` = true | " },
        { "t1", "t1", "select id /* c */ from t1 -- trailing\n where id = 1 # end", "id(0) | `id` = 1 | " },
        { "t1", "t1", "select * from t1 where (id = 1) and ((val = 'x'))", "id(0), val(1) | `id` = 1; `val` = 'x' | " },
    };

    public static TheoryData<string, string, string, string> RejectedForms => new()
    {
        // table, match, filter, expected message
        { "t2", "/.*/", "-80", "table t2 has no vindex" },
        { "t1alt", "/.*/", "-80", "column id not found in table t1" },
        { "t1", "/.*/", "80", "malformed spec: doesn't define a range: \"80\"" },
        { "t1", "/.*/", "-80-", "error parsing keyrange: -80-" },
        { "t1", "t1", "bad query", "syntax error at position 4 near 'bad'" },
        { "t1", "t1", "delete from t1", "unsupported: delete from t1" },
        { "t1", "t1", "select * from t1, t2", "unsupported: select * from t1, t2" },
        { "t1", "t1", "select * from t1 join t2", "unsupported: select * from t1 join t2" },
        { "t1", "t1", "select * from a.t1", "unsupported: select * from a.t1" },
        { "t1", "t1", "select * from t2", "unsupported: select expression table t2 does not match the table entry name t1" },
        { "t1", "t1", "select * from T1", "unsupported: select expression table T1 does not match the table entry name t1" },
        { "t1", "t1", "select *, id from t1", "unsupported: *, id" },
        { "t1", "t1", "select id, val from t1 where max(id)", "unsupported constraint: max(id)" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id)", "unsupported: id" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(1, 'numeric', '-80')", "unexpected: 1" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(t1.id, 'numeric', '-80')", "unsupported qualifier for column: t1.id" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'lookup', '-80')", "vindex must be Unique to be used for VReplication: lookup" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'numeric', '80')", "malformed spec: doesn't define a range: \"80\"" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'numeric', '-80-')", "unexpected in_keyrange parameter: '-80-'" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'numeric')", "unexpected in_keyrange parameters: id, 'numeric'" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'nope', '-80')", "vindexType \"nope\" not found" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'ks.nope', '-80')", "vindex ks.nope not found" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 'a.b.c', '-80')", "invalid vindex name: a.b.c" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(nope, 'numeric', '-80')", "column nope not found in table t1" },
        { "t1", "t1", "select id, * from t1", "unsupported: *" },
        { "t1", "t1", "select t1.* from t1", "unsupported: t1.*" },
        { "t1", "t1", "select none from t1", "column `none` not found in table t1" },
        { "t1", "t1", "select id, val, max(val) from t1", "unsupported function: max(val)" },
        { "t1", "t1", "select count(*) from t1", "unsupported function: count(*)" },
        { "t1", "t1", "select id+1, val from t1", "unsupported: id + 1" },
        { "t1", "t1", "select t1.id, val from t1", "unsupported qualifier for column: t1.id" },
        { "t1", "t1", "select id, val from t1 where in_keyrange(id, 1+1, '-80')", "unsupported: 1 + 1" },
        { "t1", "t1", "", "Query was empty" },
        { "t1", "t1", "-80", "syntax error at position 2 near '-'" },
        { "t1", "t1", "select id from t1 where id = 1 or id = 2", "unsupported constraint: id = 1 or id = 2" },
        { "t1", "t1", "select id from t1 where id = 1 and (id = 2 or val = 'a')", "unsupported constraint: id = 2 or val = 'a'" },
        { "t1", "t1", "select id from t1 where not id = 1", "unsupported constraint: not id = 1" },
        { "t1", "t1", "select id from t1 where val like 'a%'", "comparison operator like not supported" },
        { "t1", "t1", "select id from t1 where id not in (1)", "comparison operator not in not supported" },
        { "t1", "t1", "select id from t1 where id <=> 1", "comparison operator <=> not supported" },
        { "t1", "t1", "select id from t1 where 1 = id", "unexpected: 1 = id" },
        { "t1", "t1", "select id from t1 where id = val", "unexpected: id = val" },
        { "t1", "t1", "select id from t1 where id = null", "unexpected: id = null" },
        { "t1", "t1", "select id from t1 where id = -val", "unexpected: id = -val" },
        { "t1", "t1", "select id from t1 where t1.id = 1", "unsupported qualifier for column: t1.id" },
        { "t1", "t1", "select id from t1 where id is true", "unsupported constraint: id is true" },
        { "t1", "t1", "select id from t1 where id between 1 and val", "unexpected: id between 1 and val" },
        { "t1", "t1", "select id from t1 where nope = 1", "column nope not found in table t1" },
        { "t1", "t1", "select id from t1 where id in (select id from t2)", "unsupported constraint: id in (select id from t2)" },
        { "t1", "t1", "select 'a' from t1", "only integer literals are supported" },
        { "t1", "t1", "select 2 from t1", "only the integer literal 1 is supported" },
        { "t1", "t1", "select distinct id from t1", "unsupported: select distinct id from t1" },
        { "t1", "t1", "select id from t1 order by id", "unsupported: select id from t1 order by id" },
        { "t1", "t1", "select id from t1 limit 1", "unsupported: select id from t1 limit 1" },
        { "t1", "t1", "select id from t1 group by id", "unsupported: select id from t1 group by id" },
        { "t1", "t1", "select id from (select id from t1) x", "unsupported: select id from (select id from t1) x" },
        { "t1", "t1", "select 1", "unsupported: select 1" },
        { "t2", "t2", "select keyspace_id() from t2", "table t2 has no vindex" },
        { "t1", "t1", "select keyspace_id(id) from t1", "unexpected: keyspace_id(id)" },
        { "t1", "t1", "select convert(val, char) from t1", "unsupported function: convert(val, char)" },
        { "t1", "t1", "select convert(id + 1 using utf8mb4) from t1", "unsupported: convert(id + 1 using utf8mb4)" },
        { "items", "items", "select convert_tz(dt, 'UTC', '+00:00') from items", "unsupported: convert_tz(dt, 'UTC', '+00:00') needs an alias naming a column" },
        { "items", "items", "select convert_tz(dt, 'UTC', '+00:00') as nope from items", "column nope not found in table items" },
        // Time-zone arguments are checked before they can reach the copy query (issue 14 §1).
        { "items", "items", "select convert_tz(dt, 'UTC', '+00:00\\\\') as dt from items", "unsupported: convert_tz(dt, 'UTC', '+00:00\\\\'): '+00:00\\\\' is not a time zone (SYSTEM, ±hh:mm or a zone name)" },
        { "items", "items", "select convert_tz(dt, 'x'' union select 1 #', 'UTC') as dt from items", "unsupported: convert_tz(dt, 'x\\' union select 1 #', 'UTC'): 'x\\' union select 1 #' is not a time zone (SYSTEM, ±hh:mm or a zone name)" },
        { "items", "items", "select convert_tz(dt, '', 'UTC') as dt from items", "unsupported: convert_tz(dt, '', 'UTC'): '' is not a time zone (SYSTEM, ±hh:mm or a zone name)" },
        { "items", "items", "select convert_tz(dt, '+1:00:00', 'UTC') as dt from items", "unsupported: convert_tz(dt, '+1:00:00', 'UTC'): '+1:00:00' is not a time zone (SYSTEM, ±hh:mm or a zone name)" },
        { "t1", "t1", "select id from t1 where", "syntax error at position 24" },
        { "t1", "t1", "select id from t1 where id = 1 xyz", "syntax error at position 35 near 'xyz'" },
        { "t1", "t1", "select id from t1 where id = 1 and", "syntax error at position 35" },
        { "t1", "t1", "select from t1", "syntax error at position 12 near 'from'" },
        { "t1", "t1", "update t1 set id = 1", "unsupported: update t1 set id = 1" },
    };

    [Theory]
    [MemberData(nameof(AcceptedForms))]
    public void Build_AcceptedForm_GivesPlan(string table, string match, string filter, string expected)
    {
        var plan = Builder(new FilterRule(match, filter)).Build(Table(table));

        Assert.NotNull(plan);
        Assert.Equal(expected, Describe(plan));
    }

    [Theory]
    [MemberData(nameof(RejectedForms))]
    public void Build_RejectedForm_ThrowsVitessMessage(string table, string match, string filter, string expected)
    {
        var builder = Builder(new FilterRule(match, filter));

        var error = Assert.Throws<VStreamFilterException>(() => builder.Build(Table(table)));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Build_InvalidRegex_ThrowsParseError()
    {
        var builder = Builder(new FilterRule("/*/"));

        var error = Assert.Throws<VStreamFilterException>(() => builder.Build(T1));

        Assert.StartsWith("error parsing regexp: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnterminatedString_ThrowsSyntaxError()
    {
        var error = Assert.Throws<VStreamFilterException>(() => Plan(T1, "select id from t1 where val = 'abc"));

        Assert.StartsWith("syntax error at position", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_KeyRangeWithoutParser_ExplainsWhy()
    {
        var builder = new TablePlanBuilder(new FilterRules([new FilterRule("/.*", "-80")]), new FakeVindexResolver());

        var error = Assert.Throws<VStreamFilterException>(() => builder.Build(T1));

        Assert.Equal("key range -80 can't be used: no key range support is configured", error.Message);
    }

    [Fact]
    public void Build_Unsupported_ExposesOffendingText()
    {
        var error = Assert.Throws<VStreamFilterException>(() => Plan(T1, "select id from t1 where max(id)"));

        Assert.Equal("max(id)", error.OffendingText);
    }

    [Theory]
    [InlineData("select * from t1", "select `id`, `val` from `t1` order by `id`")]
    [InlineData("select val from t1", "select `id`, `val` from `t1` order by `id`")]
    [InlineData("select * from t1 where id > 5 and val in ('a', 'b')", "select `id`, `val` from `t1` where `id` > 5 and `val` in ('a', 'b') order by `id`")]
    [InlineData("select * from t1 where in_keyrange('-80') and id != 3", "select `id`, `val` from `t1` where `id` != 3 order by `id`")]
    [InlineData("select * from t1 where val is not null and id not between 1 and 2", "select `id`, `val` from `t1` where `val` is not null and `id` not between 1 and 2 order by `id`")]
    [InlineData("select convert(val using utf8mb4) as v, id from t1", "select `id`, convert(`val` using utf8mb4) as `val` from `t1` order by `id`")]
    [InlineData("select convert(val using latin1) as v, id from t1", "select `id`, convert(`val` using utf8mb4) as `val` from `t1` order by `id`")] // always utf8mb4, as Vitess
    [InlineData("select * from t1 where val = 'o''k\\\\'", "select `id`, `val` from `t1` where `val` = _utf8mb4 X'6F276B5C' order by `id`")]
    public void CopyQuery_PushesDownPredicates(string filter, string expected)
    {
        Assert.Equal(expected, Plan(T1, filter).CopyQuery);
    }

    [Fact]
    public void CopyQuery_CompositeKey_OrdersByEveryKeyColumn()
    {
        var plan = Plan(Regional, "select id from regional where region = 1");

        Assert.Equal("select `region`, `id`, `val` from `regional` where `region` = 1 order by `region`, `id`", plan.CopyQuery);
    }

    [Fact]
    public void CopyQuery_NoPrimaryKey_OrdersByAllColumns()
    {
        var table = new TableSchema("logs", [new ColumnSchema("at", ColumnKind.DateTime), new ColumnSchema("msg", ColumnKind.Text)], []);

        var plan = Builder(new FilterRule("/.*")).Build(table)!;

        Assert.Equal("select `at`, `msg` from `logs` order by `at`, `msg`", plan.CopyQuery);
    }

    [Fact]
    public void CopyQuery_QuotesAwkwardNames()
    {
        var table = new TableSchema("my`table", [new ColumnSchema("order", ColumnKind.SignedInteger)], ["order"]);

        var plan = Builder(new FilterRule("/.*")).Build(table)!;

        Assert.Equal("select `order` from `my``table` order by `order`", plan.CopyQuery);
    }

    [Fact]
    public void CopyQuery_ConvertTz_SelectsThroughFunction()
    {
        var plan = Plan(Items, "select i, convert_tz(dt, 'UTC', '+00:00') as dt from items where i > 0");

        Assert.Equal(
            "select `i`, `u`, `d`, `f`, `s`, `b`, convert_tz(`dt`, 'UTC', '+00:00') as `dt`, `tm`, `bits` from `items` where `i` > 0 order by `i`",
            plan.CopyQuery);
    }

    [Fact]
    public void BuildCopyQuery_AdditionalCondition_IsAndedInParentheses()
    {
        var plan = Plan(T1, "select * from t1 where id > 5");

        Assert.Equal(
            "select `id`, `val` from `t1` where `id` > 5 and (`id` > 10) order by `id`",
            plan.BuildCopyQuery("`id` > 10"));
        Assert.Equal("select `id`, `val` from `t1` where (`id` > 10) order by `id`", Plan(T1, "select * from t1").BuildCopyQuery("`id` > 10"));
    }

    [Theory]
    [InlineData("", "id(0), val(1) | | ")]
    [InlineData("-80", "id(0), val(1) | | numeric[0] -80")]
    [InlineData("select id from t1 where id = 1", "id(0) | `id` = 1 | ")]
    public void BuildForCopy_ExactRuleWithEmptyOrKeyRangeFilter_IsReadAsSelect(string filter, string expected)
    {
        var builder = Builder(new FilterRule("t1", filter));

        Assert.Equal(expected, Describe(builder.BuildForCopy(T1)!));
    }

    [Fact]
    public void Build_PlanRecordsRuleAndTable()
    {
        var rule = new FilterRule("t1", "select id from t1");

        var plan = Builder(rule).Build(T1)!;

        Assert.Same(rule, plan.Rule);
        Assert.Same(T1, plan.Table);
        Assert.Equal([0], plan.ColumnIndexes);
        Assert.False(plan.HasKeyRangeFilter);
    }

    internal static TableSchema Table(string name) => name switch
    {
        "t1" => T1,
        "t1alt" => T1Alt,
        "t2" => T2,
        "regional" => Regional,
        "items" => Items,
        _ => throw new ArgumentException(name, nameof(name)),
    };

    internal static string Describe(TablePlan plan)
    {
        var columns = string.Join(", ", plan.Columns.Select(c =>
            $"{c.Name}({c.ColumnIndex})" + (c.ConvertCharset is null ? "" : "~" + c.ConvertCharset) + (c.ConvertTimeZone is null ? "" : "@" + c.ConvertTimeZone)));
        var predicates = string.Join("; ", plan.Predicates.Select(p => p.Sql));
        var keyRanges = string.Join("; ", plan.KeyRanges.Select(k => $"{k.VindexName}[{string.Join(",", k.ColumnIndexes)}] {k.KeyRangeSpec}"));
        return columns + " | " + predicates + (predicates.Length > 0 ? " " : "") + "| " + keyRanges;
    }
}
