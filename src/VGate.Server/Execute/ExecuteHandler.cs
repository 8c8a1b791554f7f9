using Microsoft.Extensions.Options;
using Topodata;
using Vtgate;
using VGate.Gateway.Health;
using VGate.Gateway.Topology;
using VGate.MySql.Protocol;
using VGate.Server.Auth;
using VGate.Server.Logging;

namespace VGate.Server.Execute;

/// <summary>
/// Answers the Execute subset CDC clients need from the configured topology (vstream-spec §2.14):
/// <c>SHOW VITESS_SHARDS [LIKE 'ks/%']</c> (column <c>Shards</c>, rows <c>ks/shard</c>), <c>SHOW VITESS_TABLETS [LIKE 'host']</c>
/// (Cell, Keyspace, Shard, TabletType, State, Alias, Hostname, PrimaryTermStartTime: one row per source, its state from
/// the <see cref="SourceHealthMonitor"/>),
/// <c>SHOW TABLES [FROM ks]</c> (targeted with the session's <c>ks:shard@type</c>; read from the shard's source),
/// <c>SHOW TABLE STATUS [FROM ks] [LIKE …]</c> (MySQL's columns; one shard's when targeted, else summed over the shards) and
/// <c>SHOW DATABASES</c>. Anything else is answered with an RPCError, as vtgate reports query errors.
/// </summary>
/// <remarks>
/// Reads the topology loaded at start (<see cref="IOptions{TOptions}"/>), the one VStream and the health monitor use: a
/// client must never be told about a shard that VStream then does not know, or miss one it streams.
/// </remarks>
internal sealed class ExecuteHandler(
    IOptions<GatewayOptions> gatewayOptions,
    IOptions<ServerOptions> serverOptions,
    SourceHealthMonitor health,
    ITableLister tableLister,
    ServerMetrics metrics,
    ILogger<ExecuteHandler> logger)
{
    /// <summary>Answers <paramref name="request"/>, listing only keyspaces, shards, tablets and tables <paramref name="access"/> lets the caller see.</summary>
    public async Task<ExecuteResponse> ExecuteAsync(ExecuteRequest request, CancellationToken cancellationToken, AccessRules? access = null)
    {
        access ??= AccessRules.All;
        var sql = request.Query?.Sql ?? "";
        var session = request.Session ?? new Session();
        Log.Execute(logger, sql, session.TargetString);
        var response = new ExecuteResponse { Session = session };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            response.Result = await AnswerAsync(sql, TargetString.Parse(session.TargetString), access, cancellationToken);
        }
        catch (ExecuteException ex)
        {
            Log.ExecuteRejected(logger, ex.Code, ex.Message);
            metrics.Executed("error");
            response.Error = new Vtrpc.RPCError { Code = ex.Code, Message = ex.Message };
        }
        metrics.ExecuteTook(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return response;
    }

    private async Task<Query.QueryResult> AnswerAsync(string sql, TargetString target, AccessRules access, CancellationToken cancellationToken)
    {
        if (ShowStatement.StripComments(sql).Length == 0)
            throw new ExecuteException(Vtrpc.Code.InvalidArgument, "Query was empty");
        var statement = ShowStatement.Parse(sql) ?? throw new ExecuteException(
            Vtrpc.Code.Unimplemented,
            $"VGate answers only SHOW VITESS_SHARDS, SHOW VITESS_TABLETS, SHOW TABLES, SHOW TABLE STATUS and SHOW DATABASES on Execute; not supported: {Shorten(sql)}");
        metrics.Executed(statement.Kind.ToString());
        // A keyspace the caller may read nothing of is not there for it: not listed, and SHOW TABLES FROM it is "unknown".
        var all = gatewayOptions.Value;
        var topology = access.AllowsEverything ? all : new GatewayOptions { Keyspaces = [.. all.Keyspaces.Where(k => access.CanSeeKeyspace(k.Name))] };
        return statement.Kind switch
        {
            ShowKind.VitessShards => QueryResults.VarChar(["Shards"], ShardRows(topology, statement.Like)),
            ShowKind.VitessTablets => QueryResults.VarChar(
                ["Cell", "Keyspace", "Shard", "TabletType", "State", "Alias", "Hostname", "PrimaryTermStartTime"],
                TabletRows(all, access, statement.Like)),
            ShowKind.Databases => QueryResults.VarChar(
                ["Database"],
                topology.Keyspaces.Where(k => ShowStatement.Matches(statement.Like, k.Name)).Select(k => new[] { k.Name })),
            ShowKind.TableStatus => await ShowTableStatusAsync(topology, statement, target, access, cancellationToken),
            _ => await ShowTablesAsync(topology, statement, target, access, cancellationToken),
        };
    }

    private static IEnumerable<string[]> ShardRows(GatewayOptions topology, string? like)
    {
        foreach (var keyspace in topology.Keyspaces)
        {
            foreach (var shard in keyspace.Shards)
            {
                var name = $"{keyspace.Name}/{shard.Name}";
                if (ShowStatement.Matches(like, name))
                    yield return [name];
            }
        }
    }

    /// <summary>
    /// One row per source, in the source's cell (else the server's). The alias is <c>cell-uid</c>, the uid numbering every source of the configured topology from 100
    /// in configuration order, so a source keeps its alias whoever asks (sources the caller may not see still count).
    /// </summary>
    private IEnumerable<string[]> TabletRows(GatewayOptions all, AccessRules access, string? like)
    {
        var cell = serverOptions.Value.Cell;
        var uid = 100;
        var checksEnabled = all.Health.Enabled;
        foreach (var keyspace in all.Keyspaces)
        {
            var visible = access.AllowsEverything || access.CanSeeKeyspace(keyspace.Name);
            foreach (var shard in keyspace.Shards)
            {
                foreach (var source in shard.Sources)
                {
                    // A source's own cell (VStreamFlags.cells) when it has one, else the server's.
                    var sourceCell = source.Cell ?? cell;
                    var alias = $"{sourceCell}-{uid++:D10}";
                    if (!visible)
                        continue;
                    var hostname = HostOf(source);
                    if (!ShowStatement.Matches(like, hostname))
                        continue;
                    var type = source.Role switch
                    {
                        SourceRole.Replica => TabletType.Replica,
                        SourceRole.Rdonly => TabletType.Rdonly,
                        _ => TabletType.Primary,
                    };
                    var checkedHealth = checksEnabled ? health.Get(keyspace.Name, shard.Name, TopologyValidator.SourceName(source)) : null;
                    // A MySQL primary has been one since its server started, as far as anything here can tell.
                    var termStart = type == TabletType.Primary && checkedHealth?.ServerStartedAt is { } started
                        ? started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
                        : "";
                    yield return [sourceCell, keyspace.Name, shard.Name, TabletTypeName(type), StateOf(checkedHealth, checksEnabled), alias, hostname, termStart];
                }
            }
        }
    }

    /// <summary>
    /// SERVING when the last health check reached the source and, for a replica or rdonly source, found replication running
    /// (a lagging replica still serves, as a lagging Vitess tablet does); NOT_SERVING when it did not; UNKNOWN before the
    /// first check or with <c>VGate:Health:Enabled=false</c>, since nothing then says either.
    /// </summary>
    private static string StateOf(SourceHealth? health, bool checksEnabled) => health switch
    {
        _ when !checksEnabled => "UNKNOWN",
        null => "UNKNOWN",
        { Reachable: false } => "NOT_SERVING",
        { Role: SourceRole.Primary } => "SERVING",
        { ReplicationRunning: true } => "SERVING",
        _ => "NOT_SERVING",
    };

    private async Task<Query.QueryResult> ShowTablesAsync(GatewayOptions topology, ShowStatement statement, TargetString target, AccessRules access, CancellationToken cancellationToken)
    {
        var keyspace = KeyspaceOf(topology, statement, target);
        var shardName = target.Keyspace == keyspace.Name ? target.Shard : null;
        var shard = shardName is null
            ? keyspace.Shards.FirstOrDefault() ?? throw new ExecuteException(Vtrpc.Code.Unavailable, $"keyspace '{keyspace.Name}' has no shards")
            : ShardOf(keyspace, shardName);
        var source = SourceOf(keyspace, shard, target);
        IReadOnlyList<string> tables;
        try
        {
            tables = await tableLister.ListTablesAsync(source, keyspace.Database ?? keyspace.Name, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ListTablesFailed(logger, keyspace.Name, shard.Name, ex);
            throw new ExecuteException(Vtrpc.Code.Unavailable, $"listing tables of {keyspace.Name}/{shard.Name} failed: {ex.Message}", ex);
        }
        return QueryResults.VarChar(
            [$"Tables_in_{keyspace.Name}"],
            tables.Where(t => access.CanReadTable(keyspace.Name, t) && ShowStatement.Matches(statement.Like, t)).Select(t => new[] { t }));
    }

    /// <summary>
    /// <c>SHOW TABLE STATUS</c>: targeted at a shard (<c>ks:shard</c>), that shard's figures, as vtgate passes the statement
    /// to the shard; otherwise every shard of the keyspace is asked and a table's figures are summed over them
    /// (<see cref="TableStatus.Merge"/>), where vtgate would answer from any one shard: <c>Rows</c> is then the keyspace's
    /// row estimate. One shard failing fails the statement: a partial sum would pass for the whole.
    /// </summary>
    private async Task<Query.QueryResult> ShowTableStatusAsync(GatewayOptions topology, ShowStatement statement, TargetString target, AccessRules access, CancellationToken cancellationToken)
    {
        var keyspace = KeyspaceOf(topology, statement, target);
        var shardName = target.Keyspace == keyspace.Name ? target.Shard : null;
        List<ShardOptions> shards = shardName is null ? keyspace.Shards : [ShardOf(keyspace, shardName)];
        if (shards.Count == 0)
            throw new ExecuteException(Vtrpc.Code.Unavailable, $"keyspace '{keyspace.Name}' has no shards");
        var database = keyspace.Database ?? keyspace.Name;
        var perShard = await Task.WhenAll(shards.Select(async shard =>
        {
            var source = SourceOf(keyspace, shard, target);
            try
            {
                return await tableLister.ReadTableStatusAsync(source, database, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TableStatusFailed(logger, keyspace.Name, shard.Name, ex);
                throw new ExecuteException(Vtrpc.Code.Unavailable, $"reading the table status of {keyspace.Name}/{shard.Name} failed: {ex.Message}", ex);
            }
        }));
        var rows = TableStatus.Merge(perShard)
            .Where(row => row[0] is { } name && access.CanReadTable(keyspace.Name, name) && ShowStatement.Matches(statement.Like, name));
        return QueryResults.Typed(TableStatus.Columns, rows);
    }

    private static KeyspaceOptions KeyspaceOf(GatewayOptions topology, ShowStatement statement, TargetString target)
    {
        var keyspaceName = statement.FromKeyspace ?? target.Keyspace ?? throw new ExecuteException(
            Vtrpc.Code.FailedPrecondition,
            $"No database selected: use keyspace<:shard><@type> as the session target, or {(statement.Kind == ShowKind.Tables ? "SHOW TABLES" : "SHOW TABLE STATUS")} FROM keyspace");
        return topology.Keyspaces.FirstOrDefault(k => k.Name == keyspaceName)
            ?? throw new ExecuteException(Vtrpc.Code.NotFound, $"Unknown database '{keyspaceName}' in vschema");
    }

    private static ShardOptions ShardOf(KeyspaceOptions keyspace, string shardName) =>
        keyspace.Shards.FirstOrDefault(s => s.Name == shardName)
            ?? throw new ExecuteException(Vtrpc.Code.NotFound, $"shard '{shardName}' not found in keyspace '{keyspace.Name}'");

    /// <summary>The shard's first source of the target's tablet type, else its first source.</summary>
    private static SourceOptions SourceOf(KeyspaceOptions keyspace, ShardOptions shard, TargetString target)
    {
        var role = target.TabletType switch
        {
            TabletType.Replica => SourceRole.Replica,
            TabletType.Rdonly => SourceRole.Rdonly,
            _ => SourceRole.Primary,
        };
        return shard.Sources.FirstOrDefault(s => s.Role == role) ?? shard.Sources.FirstOrDefault()
            ?? throw new ExecuteException(Vtrpc.Code.Unavailable, $"shard {keyspace.Name}/{shard.Name} has no sources");
    }

    private static string HostOf(SourceOptions source)
    {
        try
        {
            return MySqlConnectionOptions.Parse(source.Uri).Host;
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static string TabletTypeName(TabletType type) => type switch
    {
        TabletType.Replica => "REPLICA",
        TabletType.Rdonly => "RDONLY",
        _ => "PRIMARY",
    };

    private static string Shorten(string sql) => sql.Length <= 200 ? sql : string.Concat(sql.AsSpan(0, 200), "…");
}
