using System.Buffers.Binary;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using VGate.MySql.Binlog;

namespace VGate.Benchmarks;

/// <summary>
/// BenchmarkDotNet columns for the parse benchmarks, whose one operation is a whole recorded binlog: MB/s of binlog
/// (10^6 bytes), events/s and row events/s at the mean time. The sizes are read from the file the case's
/// <c>Workload</c> parameter names (the report is written in the host process, which has not loaded the binlog).
/// </summary>
internal sealed class ThroughputColumn(string name, Func<FileFigures, double> perOperation, string format) : IColumn
{
    private static readonly Dictionary<string, FileFigures> Figures = [];

    public string Id => nameof(ThroughputColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{name} at the mean time of one operation (the whole binlog)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null || benchmarkCase.Parameters["Workload"] is not string workload)
            return "-";
        var figures = GetFigures(workload);
        return (perOperation(figures) / (statistics.Mean / 1e9)).ToString(format, CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static FileFigures GetFigures(string workload)
    {
        lock (Figures)
        {
            if (Figures.TryGetValue(workload, out var figures))
                return figures;

            // Only the 19-byte headers are read: event count, ROWS events, bytes.
            using var file = File.OpenRead(RecordedBinlog.Locate(workload));
            Span<byte> header = stackalloc byte[EventHeader.Size];
            long events = 0, rowsEvents = 0, offset = 4;
            while (offset + EventHeader.Size <= file.Length)
            {
                file.Position = offset;
                file.ReadExactly(header);
                events++;
                if ((EventType)header[4] is EventType.WriteRowsV1 or EventType.UpdateRowsV1 or EventType.DeleteRowsV1 or
                    EventType.WriteRowsV2 or EventType.UpdateRowsV2 or EventType.DeleteRowsV2 or EventType.PartialUpdateRows or
                    EventType.MariaDbWriteRowsCompressedV1 or EventType.MariaDbUpdateRowsCompressedV1 or EventType.MariaDbDeleteRowsCompressedV1 or
                    EventType.MariaDbWriteRowsCompressed or EventType.MariaDbUpdateRowsCompressed or EventType.MariaDbDeleteRowsCompressed)
                    rowsEvents++;
                offset += BinaryPrimitives.ReadUInt32LittleEndian(header[9..]);
            }

            return Figures[workload] = new FileFigures(file.Length, events, rowsEvents);
        }
    }

    /// <summary>Adds the three columns.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() => AddColumn(
            new ThroughputColumn("MB/s", f => f.Bytes / 1e6, "F0"),
            new ThroughputColumn("events/s", f => f.Events, "N0"),
            new ThroughputColumn("row ev/s", f => f.RowsEvents, "N0"));
    }
}

/// <summary>What one operation of a parse benchmark covers.</summary>
internal readonly record struct FileFigures(long Bytes, long Events, long RowsEvents);
