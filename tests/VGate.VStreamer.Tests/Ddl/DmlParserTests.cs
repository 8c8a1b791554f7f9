using Binlogdata;
using VGate.VStreamer.Ddl;

namespace VGate.VStreamer.Tests.Ddl;

public sealed class DmlParserTests
{
    [Theory]
    [InlineData("INSERT INTO t VALUES (1)", VEventType.Insert, null, "t")]
    [InlineData("insert ignore into `db`.`t 1` (a) values (1)", VEventType.Insert, "db", "t 1")]
    [InlineData("INSERT LOW_PRIORITY t VALUES (1)", VEventType.Insert, null, "t")]
    [InlineData("REPLACE INTO d.t SELECT * FROM s", VEventType.Replace, "d", "t")]
    [InlineData("UPDATE t SET v=1 WHERE id=70", VEventType.Update, null, "t")]
    [InlineData("/* app */ UPDATE LOW_PRIORITY IGNORE d.t SET v=1", VEventType.Update, "d", "t")]
    [InlineData("UPDATE a, b SET a.v=b.v WHERE a.id=b.id", VEventType.Update, null, null)]
    [InlineData("UPDATE a JOIN b ON a.id=b.id SET a.v=1", VEventType.Update, null, null)]
    [InlineData("DELETE FROM t WHERE id=1", VEventType.Delete, null, "t")]
    [InlineData("DELETE QUICK IGNORE FROM d.t", VEventType.Delete, "d", "t")]
    [InlineData("DELETE a FROM a JOIN b ON a.id=b.id", VEventType.Delete, null, null)]
    [InlineData("DELETE FROM a USING a JOIN b", VEventType.Delete, null, null)]
    public void Parse_Dml_KindAndTable(string sql, VEventType kind, string? database, string? table)
    {
        var dml = DmlParser.Parse(sql);
        Assert.NotNull(dml);
        Assert.Equal(kind, dml.Kind);
        Assert.Equal(database, dml.Database);
        Assert.Equal(table, dml.Table);
    }

    [Theory]
    [InlineData("CREATE TABLE t (id INT)")]
    [InlineData("SAVEPOINT `a`")]
    [InlineData("INSERTED")]
    [InlineData("SET @a = 1")]
    public void Parse_NotDml_Null(string sql) => Assert.Null(DmlParser.Parse(sql));

    [Theory]
    [InlineData("CREATE TEMPORARY TABLE t (id INT)", true)]
    [InlineData("create or replace temporary table t (id INT)", true)]
    [InlineData("CREATE TABLE `c2` (\n  `id` int(11) NOT NULL\n)", false)]
    [InlineData("DROP TEMPORARY TABLE t", false)]
    public void IsCreateTemporary(string sql, bool expected) => Assert.Equal(expected, DdlParser.IsCreateTemporary(sql));
}
