using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class RowsQueryEventTests
{
    [Fact]
    public void Parse_InsideCompressedPayloads_StatementTexts()
    {
        var texts = new List<string>();
        TestData.ForEachEvent("mysql/mysql-binlog-connector-rust/mysql-bin.000057", ev =>
        {
            if (ev is TransactionPayloadEvent payload)
            {
                foreach (var inner in payload.ReadEvents())
                {
                    if (inner is RowsQueryEvent rowsQuery)
                        texts.Add(rowsQuery.Query);
                }
            }
        });

        Assert.Equal(3, texts.Count);
        Assert.All(texts, t => Assert.Matches("^(?i)(insert|update)", t));
    }
}
