using System.Text.RegularExpressions;
using Binlogdata;
using Grpc.Core;
using VGate.Gateway.Topology;
using Vtgate;

namespace VGate.Server.Auth;

/// <summary>
/// Table ACLs for VStream: checks a request against the caller's <see cref="AccessRules"/> before the gateway sees it,
/// so the copy phase and the live stream (which both follow the request's filter) only ever read allowed tables.
/// <list type="bullet">
/// <item>Every keyspace the VGTID names must be visible to the caller; a VGTID keyspace of <c>""</c> (all keyspaces) or
/// <c>/regex</c> must match only such keyspaces. Otherwise PERMISSION_DENIED naming the keyspace.</item>
/// <item>A rule naming a table (<c>Match: "t"</c>) must name a table the caller may read in every requested keyspace;
/// so must every table of the VGTID's copy-phase positions (<c>table_p_ks</c>). Otherwise PERMISSION_DENIED naming it.</item>
/// <item>A <c>/regex</c> rule (including the <c>/.*</c> a request without rules gets) is <b>narrowed</b> for a caller
/// limited to some tables of a keyspace: it is replaced by a rule matching exactly the allowed tables the regex matches
/// (<c>/^(?:t1|t2)$/</c>, same filter), so that a Debezium-style "all tables" request of such a user streams the tables it
/// may read instead of failing. Narrowing needs one set of allowed tables for the whole request (a filter applies to
/// every keyspace of the request): a regex rule over keyspaces with different permissions is PERMISSION_DENIED (stream
/// those keyspaces separately), and so is a filter left with no rule.</item>
/// </list>
/// </summary>
internal static class VStreamAuthorizer
{
    /// <summary>The request to hand to the gateway: <paramref name="request"/> itself, or a copy with a narrowed filter.</summary>
    /// <exception cref="RpcException">PERMISSION_DENIED naming what the caller may not read; INVALID_ARGUMENT for an unreadable regex.</exception>
    public static VStreamRequest Authorize(VStreamRequest request, Caller caller, GatewayOptions topology)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = caller.Rules;
        if (rules.AllowsEverything)
            return request;

        var keyspaces = RequestedKeyspaces(request, topology, rules, caller.Name);
        foreach (var keyspace in keyspaces)
        {
            if (!rules.CanSeeKeyspace(keyspace))
                throw Denied(caller, $"keyspace {keyspace}");
        }
        var lastPks = request.Vgtid?.ShardGtids.SelectMany(s => s.TablePKs).Select(t => t.TableName) ?? [];
        foreach (var table in lastPks.Distinct(StringComparer.Ordinal))
            CheckTable(caller, keyspaces, table);

        var restricted = keyspaces.Where(k => !rules.CanReadWholeKeyspace(k)).ToList();
        if (restricted.Count == 0)
            return request;

        var requestedRules = request.Filter is { Rules.Count: > 0 } filter ? filter.Rules : [new Rule { Match = "/.*" }];
        var narrowed = request.Filter?.Clone() ?? new Filter();
        narrowed.Rules.Clear();
        var changed = request.Filter is not { Rules.Count: > 0 };
        for (var i = 0; i < requestedRules.Count; i++)
        {
            var rule = requestedRules[i];
            if (!rule.Match.StartsWith('/'))
            {
                CheckTable(caller, keyspaces, rule.Match);
                narrowed.Rules.Add(rule.Clone());
                continue;
            }
            var allowed = rules.NamedTables(restricted[0]);
            if (restricted.Count != keyspaces.Count || restricted.Skip(1).Any(k => !rules.NamedTables(k).SequenceEqual(allowed, StringComparer.Ordinal)))
            {
                throw Denied(caller,
                    $"all tables matching filter rule '{rule.Match}' in keyspaces {string.Join(", ", keyspaces)} (the user may read different tables in them: stream each keyspace in its own VStream or name the tables)");
            }
            Regex regex;
            try
            {
                regex = new Regex(rule.Match.Trim('/'), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed to resolve vstream parameters: filter rule #{i + 1} match '{rule.Match}': error parsing regexp: {ex.Message}"));
            }
            var matching = allowed.Where(t => regex.IsMatch(t)).ToList();
            changed = true;
            if (matching.Count == 0)
                continue;
            var replacement = rule.Clone();
            replacement.Match = "/^(?:" + string.Join("|", matching.Select(Regex.Escape)) + ")$/";
            narrowed.Rules.Add(replacement);
        }
        if (narrowed.Rules.Count == 0)
            throw Denied(caller, $"any table matching the filter in keyspace {string.Join(", ", restricted)}");
        if (!changed)
            return request;
        var copy = request.Clone();
        copy.Filter = narrowed;
        return copy;
    }

    /// <summary>The keyspaces the VGTID asks for, as the gateway's resolver expands them (unknown names stay, the resolver rejects them).</summary>
    private static List<string> RequestedKeyspaces(VStreamRequest request, GatewayOptions topology, AccessRules rules, string user)
    {
        var entries = request.Vgtid?.ShardGtids;
        if (entries is null || entries.Count == 0)
            return [];
        if (entries.Count == 1 && (entries[0].Keyspace.Length == 0 || entries[0].Keyspace.StartsWith('/')))
        {
            var pattern = entries[0].Keyspace;
            List<string> matched;
            if (pattern.Length == 0)
            {
                matched = [.. topology.Keyspaces.Select(k => k.Name)];
            }
            else
            {
                try
                {
                    var regex = new Regex(pattern.Trim('/'), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                    matched = [.. topology.Keyspaces.Where(k => regex.IsMatch(k.Name)).Select(k => k.Name)];
                }
                catch (ArgumentException)
                {
                    return []; // the resolver reports the bad regex
                }
            }
            // Name no keyspace the caller may not see: the caller did not name it either.
            if (matched.Any(k => !rules.CanSeeKeyspace(k)))
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"user {user} may not read every keyspace the vgtid keyspace '{pattern}' selects: name the keyspaces to stream"));
            }
            return matched;
        }
        return [.. entries.Select(e => e.Keyspace).Distinct(StringComparer.Ordinal)];
    }

    private static void CheckTable(Caller caller, IReadOnlyList<string> keyspaces, string table)
    {
        foreach (var keyspace in keyspaces)
        {
            if (!caller.Rules.CanReadTable(keyspace, table))
                throw Denied(caller, $"table {keyspace}.{table}");
        }
    }

    private static RpcException Denied(Caller caller, string what) =>
        new(new Status(StatusCode.PermissionDenied, $"user {caller.Name} may not read {what}"));
}
