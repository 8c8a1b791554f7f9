using Binlogdata;
using Google.Protobuf;
using VGate.Gateway.Topology;

namespace VGate.Gateway.Hub;

/// <summary>
/// What makes two shard streams the same stream: keyspace, shard, source role, cells, filter and whether the heartbeat
/// table's rows are streamed (<c>stream_keyspace_heartbeats</c>). (Everything else a request
/// carries is applied by the merging session: table-name prefixes, chunking, skew; <c>tables_to_copy</c> only matters in the
/// copy phase, which never uses a hub.)
/// </summary>
/// <param name="Keyspace">The keyspace.</param>
/// <param name="Shard">The shard.</param>
/// <param name="Role">The source role read.</param>
/// <param name="Filter">The filter's protobuf bytes in base64 ("" when none).</param>
/// <param name="Cells">The request's cells, sorted and comma-separated ("" when any source may serve).</param>
/// <param name="Heartbeats">True when the heartbeat table's rows are streamed (<c>stream_keyspace_heartbeats</c>).</param>
internal readonly record struct HubKey(string Keyspace, string Shard, SourceRole Role, string Filter, string Cells = "", bool Heartbeats = false)
{
    public static HubKey For(string keyspace, string shard, SourceRole role, Filter? filter, IReadOnlySet<string>? cells = null, bool heartbeats = false) =>
        new(keyspace, shard, role, filter is null ? "" : Convert.ToBase64String(filter.ToByteArray()), cells is null ? "" : SourceCells.Format(cells), heartbeats);

    public override string ToString() => Cells.Length == 0 ? $"{Keyspace}/{Shard}@{Role}" : $"{Keyspace}/{Shard}@{Role}[{Cells}]";
}
