using VGate.MySql.Binlog;

namespace VGate.MySql.Tests.Binlog.Events;

internal static class EventsIn
{
    /// <summary>Collects the events of one class from a file (only for owned event classes, which outlive the read buffer).</summary>
    public static List<T> File<T>(string file)
        where T : BinlogEvent
    {
        var list = new List<T>();
        TestData.ForEachEvent(file, ev =>
        {
            if (ev is T t)
                list.Add(t);
        });
        return list;
    }
}
