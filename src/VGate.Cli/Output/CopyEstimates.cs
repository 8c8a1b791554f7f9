using System.Text.RegularExpressions;
using Binlogdata;
using Grpc.Core;
using Vtgate;

namespace VGate.Cli.Output;

/// <summary>
/// Row estimates for <c>vgate stream</c>'s copy progress: <c>SHOW TABLE STATUS</c> on the server's Execute, targeted at
/// each shard the start position copies (<c>ks:shard</c>; for an entry naming the whole keyspace, each shard
/// <c>SHOW VITESS_SHARDS</c> lists), its <c>Rows</c> (InnoDB's estimate) summed over the shards for the tables the
/// filter selects. Per shard, because vtgate answers an untargeted <c>SHOW TABLE STATUS</c> from any one shard (VGate sums).
/// </summary>
internal static class CopyEstimates
{
    /// <summary>How long the statements may take altogether: the stream waits for them.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>True when <paramref name="start"/> begins (or resumes) a copy phase on some shard.</summary>
    public static bool Copies(VGtid start) => start.ShardGtids.Any(s => s.Gtid.Length == 0 || s.TablePKs.Count > 0);

    /// <summary>
    /// Estimated rows by table name (without keyspace), summed over the shards; null when the server cannot tell (an older
    /// VGate or a vtgate without the statement, an error, a timeout): the progress then goes on without an ETA.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>?> FetchAsync(
        Vtgateservice.Vitess.VitessClient client, Metadata headers, VGtid start, Filter? filter, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var estimates = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in start.ShardGtids.Where(s => s.Gtid.Length == 0 || s.TablePKs.Count > 0))
            {
                // A keyspace-wide entry: ask each shard, since vtgate answers SHOW TABLE STATUS for a keyspace from any one.
                var shards = entry.Shard.Length > 0
                    ? [entry.Shard]
                    : await ShardsAsync(client, headers, entry.Keyspace, deadline.Token);
                if (shards is null)
                    return null;
                foreach (var shard in shards)
                {
                    var result = await ExecuteAsync(client, headers, "SHOW TABLE STATUS", entry.Keyspace + ":" + shard, deadline.Token);
                    if (result is null || !Add(estimates, result, filter))
                        return null;
                }
            }
        }
        catch (RpcException)
        {
            // Execute not implemented, refused credentials, the time allowed ran out, Ctrl-C: the VStream call that
            // follows reports (or ends on) the same cause as it always did.
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        return estimates;
    }

    /// <summary>The shards of <paramref name="keyspace"/> from <c>SHOW VITESS_SHARDS</c> (rows <c>ks/shard</c>); null when it failed.</summary>
    private static async Task<List<string>?> ShardsAsync(Vtgateservice.Vitess.VitessClient client, Metadata headers, string keyspace, CancellationToken cancellationToken)
    {
        var result = await ExecuteAsync(client, headers, "SHOW VITESS_SHARDS", "", cancellationToken);
        if (result is null || result.Fields.Count == 0)
            return null;
        var prefix = keyspace + "/";
        var shards = result.Rows.Select(row => Values(row)[0]).OfType<string>()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(name => name[prefix.Length..])
            .ToList();
        return shards.Count == 0 ? null : shards;
    }

    /// <summary>The statement's result; null when the response carries an error.</summary>
    private static async Task<Query.QueryResult?> ExecuteAsync(
        Vtgateservice.Vitess.VitessClient client, Metadata headers, string sql, string target, CancellationToken cancellationToken)
    {
        var response = await client.ExecuteAsync(
            new ExecuteRequest
            {
                Query = new Query.BoundQuery { Sql = sql },
                Session = new Session { TargetString = target, Autocommit = true },
            },
            headers,
            cancellationToken: cancellationToken);
        return response.Error is { } error && (error.Code != Vtrpc.Code.Ok || error.Message.Length > 0) ? null : response.Result;
    }

    /// <summary>Adds each selected table's <c>Rows</c>; a table without a figure (a view: NULL) is left out.</summary>
    private static bool Add(Dictionary<string, long> estimates, Query.QueryResult result, Filter? filter)
    {
        var names = result.Fields.Select(f => f.Name).ToList();
        var nameIndex = names.IndexOf("Name");
        var rowsIndex = names.IndexOf("Rows");
        if (nameIndex < 0 || rowsIndex < 0)
            return false;
        foreach (var row in result.Rows)
        {
            var values = Values(row);
            if (values.Count <= Math.Max(nameIndex, rowsIndex) || values[nameIndex] is not { } name || !Selected(filter, name))
                continue;
            if (!long.TryParse(values[rowsIndex], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rows))
                continue;
            estimates[name] = estimates.GetValueOrDefault(name) + rows;
        }
        return true;
    }

    /// <summary>Whether a VStream with <paramref name="filter"/> copies <paramref name="table"/>: no filter copies every table; a rule's
    /// <c>match</c> is a table name, or <c>/regex/</c> (Vitess trims the slashes and matches unanchored, as Go's regexp does).</summary>
    internal static bool Selected(Filter? filter, string table)
    {
        if (filter is null || filter.Rules.Count == 0)
            return true;
        foreach (var rule in filter.Rules)
        {
            if (rule.Match.StartsWith('/'))
            {
                try
                {
                    if (Regex.IsMatch(table, rule.Match.Trim('/'), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
                        return true;
                }
                catch (ArgumentException)
                {
                    // Not a .NET regex: the server judges the rule; this table's estimate is simply left out.
                }
            }
            else if (rule.Match == table)
            {
                return true;
            }
        }
        return false;
    }

    private static List<string?> Values(Query.Row row)
    {
        var values = new List<string?>(row.Lengths.Count);
        var offset = 0;
        var bytes = row.Values.Span;
        foreach (var length in row.Lengths)
        {
            if (length < 0)
            {
                values.Add(null);
                continue;
            }
            values.Add(System.Text.Encoding.UTF8.GetString(bytes.Slice(offset, (int)length)));
            offset += (int)length;
        }
        return values;
    }
}
