using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class MariaDbAnnotateRowsEventTests
{
    [Fact]
    public void Parse_MariaDbCapture_StatementsOfTheRowEvents()
    {
        var annotations = QueriesIn("mariadb/mariadb-10.11-compressed.000002");

        Assert.Equal(4, annotations.Count);
        Assert.StartsWith("INSERT INTO t VALUES", annotations[0], StringComparison.Ordinal);
        Assert.Equal("UPDATE t SET vc = REPEAT('w', 20), si = 7, j = '{\"k\":null}' WHERE id IN (1, 3)", annotations[1]);
        Assert.Equal("UPDATE t SET tx = 'now set' WHERE id = 2", annotations[2]);
        Assert.Equal("DELETE FROM t WHERE id = 3", annotations[3]);
    }

    [Fact]
    public void Parse_MariaDb105File_TwoAnnotations()
    {
        var annotations = QueriesIn("mysql/rust_mysql_common/mariadb-bin.000001");
        Assert.Equal(2, annotations.Count);
        Assert.All(annotations, a => Assert.Contains("outbox", a, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Query_MultibyteText_DecodedFromTheBytes()
    {
        const string statement = "INSERT INTO t VALUES ('żółw 🐢')";
        var parser = new BinlogEventParser();
        var annotate = Assert.IsType<MariaDbAnnotateRowsEvent>(
            parser.Parse(TestData.BuildEvent(EventType.MariaDbAnnotateRows, Encoding.UTF8.GetBytes(statement), crc: false)));

        Assert.Equal(Encoding.UTF8.GetBytes(statement), annotate.QueryBytes.ToArray());
        Assert.Equal(statement, annotate.Query);
    }

    [Fact]
    public void Query_ReadBeforeTheNextEvent_StaysReadableAfterIt()
    {
        var parser = new BinlogEventParser();
        var buffer = TestData.BuildEvent(EventType.MariaDbAnnotateRows, "DELETE FROM t"u8, crc: false);
        var annotate = Assert.IsType<MariaDbAnnotateRowsEvent>(parser.Parse(buffer));
        Assert.Equal("DELETE FROM t", annotate.Query);

        // The stream reuses its buffer for the next event: the string read before is owned and unchanged.
        buffer.AsSpan(EventHeader.Size).Fill((byte)'x');
        parser.Parse(TestData.BuildEvent(EventType.Xid, new byte[8], crc: false));

        Assert.Equal("DELETE FROM t", annotate.Query);
    }

    [Fact]
    public void Query_FirstReadAfterTheNextEvent_ThrowsInsteadOfReadingReusedBytes()
    {
        var parser = new BinlogEventParser();
        var annotate = Assert.IsType<MariaDbAnnotateRowsEvent>(
            parser.Parse(TestData.BuildEvent(EventType.MariaDbAnnotateRows, "UPDATE t SET a = 1"u8, crc: false, nextPosition: 4242)));
        parser.Parse(TestData.BuildEvent(EventType.Xid, new byte[8], crc: false));

        var error = Assert.Throws<InvalidOperationException>(() => annotate.Query);
        Assert.Contains("4242", error.Message, StringComparison.Ordinal);
        Assert.Contains("before requesting the next event", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => annotate.QueryBytes);
    }

    [Fact]
    public void Query_FirstReadAfterTheFileReaderStopped_Throws()
    {
        MariaDbAnnotateRowsEvent? last = null;
        using (var reader = BinlogFileReader.Open(TestData.PathOf("mysql/rust_mysql_common/mariadb-bin.000001")))
        {
            foreach (var ev in reader.ReadEvents())
            {
                if (ev is MariaDbAnnotateRowsEvent annotate)
                    last = annotate;
            }
        }

        Assert.NotNull(last);
        Assert.Throws<InvalidOperationException>(() => last.Query);
    }

    // Annotations are read inside the callback, while the event's bytes are the reader's current buffer.
    private static List<string> QueriesIn(string file)
    {
        var queries = new List<string>();
        TestData.ForEachEvent(file, ev =>
        {
            if (ev is MariaDbAnnotateRowsEvent annotate)
                queries.Add(annotate.Query);
        });
        return queries;
    }
}
