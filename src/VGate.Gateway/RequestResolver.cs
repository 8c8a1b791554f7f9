using System.Text.RegularExpressions;
using Binlogdata;
using Topodata;
using VGate.Gateway.Topology;
using VGate.MySql.Replication;
using VGate.VStreamer;
using VGate.VStreamer.Filtering;
using Vtgate;

namespace VGate.Gateway;

/// <summary>A request resolved against the topology: one ShardGtid per shard, the source role, filter and flags.</summary>
internal sealed record ResolvedRequest(IReadOnlyList<ShardGtid> Shards, SourceRole Role, Filter Filter, VStreamFlags Flags);

/// <summary>Expands and checks a <see cref="VStreamRequest"/> (vstream-spec §2.1, Vitess <c>resolveParams</c>).</summary>
internal static class RequestResolver
{
    private const string ErrorPrefix = "failed to resolve vstream parameters: ";

    /// <exception cref="VStreamException">INVALID_ARGUMENT naming what is wrong.</exception>
    public static ResolvedRequest Resolve(VStreamRequest request, GatewayOptions topology)
    {
        ArgumentNullException.ThrowIfNull(request);
        var role = RoleOf(request.TabletType);
        var filter = request.Filter ?? new Filter { Rules = { new Rule { Match = "/.*" } } };
        if (filter.Rules.Count == 0)
            filter.Rules.Add(new Rule { Match = "/.*" });
        CheckFilterLimits(filter, topology.Limits);
        ValidateRuleRegexes(filter);
        var flags = request.Flags ?? new VStreamFlags();
        CheckFlags(flags, topology);

        var requested = request.Vgtid?.ShardGtids;
        if (requested is null || requested.Count == 0)
            throw Invalid("vgtid must have at least one value with a starting position");

        var entries = new List<ShardGtid>();
        if (requested.Count == 1 && requested[0].Keyspace.Length == 0)
        {
            if (requested[0].Gtid != "current")
                throw Invalid($"for an empty keyspace, the gtid value must be 'current': {requested[0]}");
            entries.AddRange(topology.Keyspaces.Select(k => new ShardGtid { Keyspace = k.Name, Gtid = "current" }));
        }
        else if (requested.Count == 1 && requested[0].Keyspace.StartsWith('/'))
        {
            var pattern = requested[0].Keyspace.Trim('/');
            Regex regex;
            try
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                throw Invalid($"invalid keyspace regex '{requested[0].Keyspace}': {ex.Message}");
            }
            foreach (var keyspace in topology.Keyspaces.Where(k => regex.IsMatch(k.Name)))
            {
                var entry = requested[0].Clone();
                entry.Keyspace = keyspace.Name;
                entries.Add(entry);
            }
            if (entries.Count == 0)
                throw Invalid($"no keyspace matches '{requested[0].Keyspace}'");
        }
        else
        {
            entries.AddRange(requested.Select(e => e.Clone()));
        }

        var resolved = new List<ShardGtid>();
        var seen = new HashSet<(string, string)>();
        foreach (var entry in entries)
        {
            if (entry.Keyspace.Length == 0)
                throw Invalid($"an empty keyspace is only allowed as the single entry of the vgtid: {entry}");
            var keyspace = topology.Keyspaces.FirstOrDefault(k => k.Name == entry.Keyspace)
                ?? throw Invalid($"keyspace {entry.Keyspace} not found");
            if (entry.Shard.Length == 0)
            {
                if (entry.Gtid is not ("current" or ""))
                    throw Invalid($"if shards are unspecified, the gtid must be 'current' or empty; got: '{entry.Gtid}' for keyspace {entry.Keyspace}");
                foreach (var shard in keyspace.Shards)
                {
                    var expanded = entry.Clone();
                    expanded.Shard = shard.Name;
                    Add(expanded);
                }
            }
            else
            {
                if (!keyspace.Shards.Any(s => s.Name == entry.Shard))
                    throw Invalid($"shard {entry.Shard} not found in keyspace {entry.Keyspace}");
                Add(entry);
            }
        }

        return new ResolvedRequest(resolved, role, filter, flags);

        void Add(ShardGtid entry)
        {
            if (!seen.Add((entry.Keyspace, entry.Shard)))
                throw Invalid($"shard {entry.Keyspace}/{entry.Shard} is listed more than once");
            ValidatePosition(entry);
            resolved.Add(entry);
        }
    }

    /// <summary>
    /// Rejects, with INVALID_ARGUMENT naming the field, every VStreamFlags value VGate would otherwise ignore: a request
    /// field is never dropped silently. The values accepted are the defaults and those that mean the same here (what stock
    /// clients such as Debezium send by default: <c>stop_on_reshard=false</c>, no <c>cells</c>). <c>minimize_skew</c>,
    /// <c>heartbeat_interval</c>, <c>tables_to_copy</c>, <c>exclude_keyspace_from_table_name</c> and
    /// <c>transaction_chunk_size</c> are implemented by the stream session; <c>stream_keyspace_heartbeats</c> by the shard
    /// streams (the heartbeat table's rows, <see cref="Heartbeats.HeartbeatSettings"/>); <c>cells</c> restricts the sources
    /// (<see cref="SourceCells"/>) and must name cells of the topology.
    /// </summary>
    private static void CheckFlags(VStreamFlags flags, GatewayOptions topology)
    {
        // VGate's topology is static: shards never split or merge, so no reshard journal is ever written. Accepting true
        // would promise a stop (or journal events) that can never come; say so instead.
        if (flags.StopOnReshard)
            throw Invalid("flags.stop_on_reshard=true is not supported: VGate's topology is static (no resharding, no journal events); send false");
        if (flags.IncludeReshardJournalEvents)
            throw Invalid("flags.include_reshard_journal_events=true is not supported: VGate's topology is static (no resharding, no journal events); send false");
        // Sources may carry a cell (SourceOptions.Cell); a request naming cells reads only from sources in them. A cell no
        // source is in is a mistake (a typo would otherwise leave every shard without a source, UNAVAILABLE much later).
        var cells = SourceCells.Parse(flags.Cells);
        if (cells.Count > 0)
        {
            var known = topology.Keyspaces.SelectMany(k => k.Shards).SelectMany(s => s.Sources)
                .Select(s => s.Cell).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var unknown = cells.Where(c => !known.Contains(c)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                throw Invalid($"flags.cells='{flags.Cells}' names cells no source is in ({string.Join(",", unknown)}); " +
                    (known.Count == 0 ? "no source has a cell (set Cell on the sources)" : $"the sources' cells are {SourceCells.Format(known)}"));
            }
        }
        if (flags.CellPreference.Length != 0 && !flags.CellPreference.Equals("PreferLocalWithAlias", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"flags.cell_preference='{flags.CellPreference}' is not supported: VGate picks among a shard's sources in the cells the request names (flags.cells), without a local cell to prefer; " +
                "send an empty cell_preference (or PreferLocalWithAlias, the default)");
        }
        if (flags.TabletOrder.Length != 0 && !flags.TabletOrder.Equals("Any", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"flags.tablet_order='{flags.TabletOrder}' is not supported: a request's tablet_type picks the source role; " +
                "send an empty tablet_order (or Any, the default)");
        }
    }

    /// <summary>
    /// Rejects a <c>/regex</c> rule that does not compile now, instead of when a table first reaches it (which, on an
    /// idle source, could be never: the stream would just sit there). Same options as the streamer's FilterRules.
    /// Select filters need the table's schema and are still checked by the shard streams.
    /// </summary>
    private static void ValidateRuleRegexes(Filter filter)
    {
        for (var i = 0; i < filter.Rules.Count; i++)
        {
            var match = filter.Rules[i].Match;
            if (!match.StartsWith('/'))
                continue;
            try
            {
                // The same compiled instance the shard streams' FilterRules then use (FilterRegexCache).
                _ = FilterRegexCache.Get(match.Trim('/'));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                throw Invalid($"filter rule #{i + 1} match '{match}': error parsing regexp: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// RESOURCE_EXHAUSTED for a filter over <see cref="LimitsOptions.MaxFilterRules"/> rules or
    /// <see cref="LimitsOptions.MaxFilterRegexRules"/> regular-expression rules, before anything is compiled or opened.
    /// </summary>
    private static void CheckFilterLimits(Filter filter, LimitsOptions? limits)
    {
        if (limits is null)
            return;
        var rules = filter.Rules.Count;
        if (limits.MaxFilterRules > 0 && rules > limits.MaxFilterRules)
        {
            throw VStreamException.ResourceExhausted(
                $"the filter has {rules} rules; at most {limits.MaxFilterRules} are allowed (setting VGate:Limits:MaxFilterRules)");
        }
        if (limits.MaxFilterRegexRules <= 0)
            return;
        var regexes = 0;
        foreach (var rule in filter.Rules)
        {
            if (rule.Match.StartsWith('/'))
                regexes++;
        }
        if (regexes > limits.MaxFilterRegexRules)
        {
            throw VStreamException.ResourceExhausted(
                $"the filter has {regexes} rules matching by regular expression; at most {limits.MaxFilterRegexRules} are allowed " +
                "(setting VGate:Limits:MaxFilterRegexRules; list exact table names instead, or combine expressions with |)");
        }
    }

    private static void ValidatePosition(ShardGtid entry)
    {
        if (entry.Gtid is "" or "current")
            return;
        try
        {
            // A Vitess position is <flavor>/<set>; a bare set is parsed with the flavor its syntax implies.
            _ = BinlogStartPosition.Parse(entry.Gtid);
        }
        catch (FormatException ex)
        {
            throw Invalid($"invalid position '{entry.Gtid}' for {entry.Keyspace}/{entry.Shard}: {ex.Message}");
        }
    }

    private static SourceRole RoleOf(TabletType type) => type switch
    {
        TabletType.Unknown or TabletType.Primary => SourceRole.Primary,
        TabletType.Replica => SourceRole.Replica,
        TabletType.Rdonly => SourceRole.Rdonly,
        _ => throw Invalid($"tablet type {type} cannot be streamed from (use PRIMARY, REPLICA or RDONLY)"),
    };

    private static VStreamException Invalid(string message) => VStreamException.InvalidArgument(ErrorPrefix + message);
}
