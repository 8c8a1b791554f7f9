using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>What a parse benchmark does with each parsed event, and what it counted.</summary>
internal interface IEventWalker
{
    string Name { get; }

    long RowsEvents { get; }

    long Rows { get; }

    long Cells { get; }

    long Checksum { get; }

    void Reset();

    void Walk(BinlogEvent binlogEvent);
}
