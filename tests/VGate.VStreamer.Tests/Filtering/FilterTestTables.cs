using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Tests.Filtering;

/// <summary>Table schemas shared by the filter tests (after Vitess's planbuilder_test.go tables).</summary>
internal static class FilterTestTables
{
    /// <summary>t1(id bigint, val varbinary), PK id, primary vindex numeric(id).</summary>
    public static readonly TableSchema T1 = new(
        "t1",
        [new ColumnSchema("id", ColumnKind.SignedInteger), new ColumnSchema("val", ColumnKind.Binary)],
        ["id"],
        new TableVindex("numeric", ["id"]));

    /// <summary>t1 without the id column (the vindex column is missing).</summary>
    public static readonly TableSchema T1Alt = new(
        "t1",
        [new ColumnSchema("val", ColumnKind.Binary)],
        [],
        new TableVindex("numeric", ["id"]));

    /// <summary>t2(id, val) with no vindex.</summary>
    public static readonly TableSchema T2 = new(
        "t2",
        [new ColumnSchema("id", ColumnKind.SignedInteger), new ColumnSchema("val", ColumnKind.Binary)],
        ["id"]);

    /// <summary>regional(region, id, val), PK (region, id), primary vindex region_vdx(region, id).</summary>
    public static readonly TableSchema Regional = new(
        "regional",
        [
            new ColumnSchema("region", ColumnKind.SignedInteger),
            new ColumnSchema("id", ColumnKind.SignedInteger),
            new ColumnSchema("val", ColumnKind.Binary),
        ],
        ["region", "id"],
        new TableVindex("region_vdx", ["region", "id"]));

    /// <summary>One column per kind: i, u, d, f, s, b, dt, tm, bits; PK i.</summary>
    public static readonly TableSchema Items = new(
        "items",
        [
            new ColumnSchema("i", ColumnKind.SignedInteger),
            new ColumnSchema("u", ColumnKind.UnsignedInteger),
            new ColumnSchema("d", ColumnKind.Decimal),
            new ColumnSchema("f", ColumnKind.Float),
            new ColumnSchema("s", ColumnKind.Text),
            new ColumnSchema("b", ColumnKind.Binary),
            new ColumnSchema("dt", ColumnKind.DateTime),
            new ColumnSchema("tm", ColumnKind.Time),
            new ColumnSchema("bits", ColumnKind.Bit),
        ],
        ["i"]);

    public static TablePlanBuilder Builder(params FilterRule[] rules) =>
        new(new FilterRules(rules), new FakeVindexResolver(), new FakeKeyRangeParser());

    public static TablePlan Plan(TableSchema table, string filter) =>
        Builder(new FilterRule(table.Name, filter)).Build(table) ?? throw new InvalidOperationException("no plan");
}
