using Topodata;

namespace VGate.Server.Execute;

/// <summary>
/// A Vitess session target, <c>keyspace[:shard][@tablet_type]</c> (e.g. <c>commerce:-80@replica</c>, <c>@primary</c>).
/// </summary>
internal sealed record TargetString(string? Keyspace, string? Shard, TabletType TabletType)
{
    public static TargetString Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new TargetString(null, null, TabletType.Primary);
        var value = text.Trim();
        var type = TabletType.Primary;
        var at = value.LastIndexOf('@');
        if (at >= 0)
        {
            type = value[(at + 1)..].ToLowerInvariant() switch
            {
                "primary" or "master" => TabletType.Primary,
                "replica" => TabletType.Replica,
                "rdonly" or "batch" => TabletType.Rdonly,
                var other => throw new ExecuteException(Vtrpc.Code.InvalidArgument, $"invalid tablet type in target '{text}': '{other}'"),
            };
            value = value[..at];
        }
        string? shard = null;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            shard = value[(colon + 1)..];
            value = value[..colon];
        }
        return new TargetString(value.Length == 0 ? null : value, string.IsNullOrEmpty(shard) ? null : shard, type);
    }
}
