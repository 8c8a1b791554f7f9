using Binlogdata;
using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.Rows;
using VGate.VStreamer.Filtering;

namespace VGate.VStreamer.Streaming;

/// <summary>
/// Applies <c>binlogdata.Filter</c> rules (vstream-spec §2.7) to the tables of a stream with <see cref="TablePlanBuilder"/>:
/// the first matching rule wins; its select list and WHERE terms become the plan's columns and row predicate, and
/// key-range filters use the table's primary vindex (from <see cref="ShardStreamerOptions.PrimaryVindexes"/>) or the
/// vindex named in <c>in_keyrange</c>. A null filter streams every table.
/// </summary>
internal sealed class RuleTablePlanner : ITablePlanner
{
    private readonly FilterRules _rules;
    private readonly TablePlanBuilder _builder;
    private readonly IReadOnlyDictionary<string, TableVindex> _primaryVindexes;
    private readonly RowImageValues _values = new();

    public RuleTablePlanner(Filter? filter, IReadOnlyDictionary<string, TableVindex>? primaryVindexes = null,
        IReadOnlyDictionary<string, IKeyspaceIdFunction>? vindexes = null)
    {
        try
        {
            _rules = filter is null || filter.Rules.Count == 0
                ? FilterRules.All
                : new FilterRules(filter.Rules.Select(r => new FilterRule(r.Match, r.Filter)));
        }
        catch (VStreamFilterException ex)
        {
            throw VStreamException.InvalidArgument(ex.Message, ex);
        }
        var resolver = vindexes is null || vindexes.Count == 0 ? RegistryVindexResolver.Instance : new RegistryVindexResolver(vindexes);
        _builder = new TablePlanBuilder(_rules, resolver, resolver);
        _primaryVindexes = primaryVindexes ?? new Dictionary<string, TableVindex>();
    }

    public bool Matches(string table) => table != "dual" && _rules.Matches(table);

    public StreamTablePlan? Plan(string table, TableMapEvent tableMap)
    {
        // Vitess's vstreamer drops the TABLE_MAP of an Online DDL / table GC table before looking at the rules.
        if (InternalTableNames.IsInternalOperationTable(table))
            return null;
        var plan = Build(table, Describe(table, tableMap.Columns, tableMap.PrimaryKey), copy: false);
        if (plan is null)
            return null;
        // Only the columns the predicates and the vindex read are rendered to text per row image.
        var predicateColumns = plan.Predicates.Select(p => p.ColumnIndex)
            .Concat(plan.KeyRanges.SelectMany(k => k.ColumnIndexes)).Distinct().ToArray();
        var vindexColumns = plan.PrimaryVindexColumns.ToArray();
        RowImagePredicate? predicate = null;
        if (plan.Predicates.Count > 0 || plan.HasKeyRangeFilter)
        {
            predicate = (map, image) =>
            {
                _values.Load(map, image, predicateColumns);
                return Matches(table, plan, _values);
            };
        }
        RowImageKeyspaceId? keyspaceId = null;
        if (plan.PrimaryVindex is not null)
        {
            keyspaceId = (map, image) =>
            {
                _values.Load(map, image, vindexColumns);
                return ComputeKeyspaceId(table, plan, _values);
            };
        }
        return new StreamTablePlan(OutputColumns.FromPlan(plan.Columns), predicate, plan.HasKeyRangeFilter, keyspaceId);
    }

    public CopyRowPlan? PlanCopy(string table, IReadOnlyList<ColumnInfo> columns, IReadOnlyList<int> primaryKey)
    {
        if (InternalTableNames.IsInternalOperationTable(table))
            return null;
        var plan = Build(table, Describe(table, columns, primaryKey), copy: true);
        if (plan is null)
            return null;
        Func<IRowValues, bool>? predicate = plan.Predicates.Count > 0 || plan.HasKeyRangeFilter ? row => Matches(table, plan, row) : null;
        Func<IRowValues, byte[]>? keyspaceId = plan.PrimaryVindex is null ? null : row => ComputeKeyspaceId(table, plan, row);
        var expressions = new Dictionary<int, string>();
        for (var i = 0; i < columns.Count; i++)
        {
            if (plan.CopySelectExpression(i) is { } expression)
                expressions[i] = expression;
        }
        return new CopyRowPlan(OutputColumns.FromPlan(plan.Columns), predicate, keyspaceId, expressions);
    }

    // A row a vindex cannot map (e.g. a NULL key) fails the stream, as in Vitess ("could not map … to a keyspace id").
    private static bool Matches(string table, TablePlan plan, IRowValues row)
    {
        try
        {
            return plan.Matches(row);
        }
        catch (VStreamFilterException ex)
        {
            throw VStreamException.InvalidArgument($"table {table}: {ex.Message}", ex);
        }
    }

    private static byte[] ComputeKeyspaceId(string table, TablePlan plan, IRowValues row)
    {
        try
        {
            return plan.ComputeKeyspaceId(row);
        }
        catch (VStreamFilterException ex)
        {
            throw VStreamException.InvalidArgument($"table {table}: keyspace_id(): {ex.Message}", ex);
        }
    }

    private TablePlan? Build(string table, TableSchema schema, bool copy)
    {
        TablePlan? plan;
        try
        {
            plan = copy ? _builder.BuildForCopy(schema) : _builder.Build(schema);
        }
        catch (VStreamFilterException ex)
        {
            throw VStreamException.InvalidArgument($"table {table}: {ex.Message}{DescribeRule(table)}", ex);
        }
        return plan;
    }

    /// <summary>" (rule match 't', filter 'select …')": which rule a plan error comes from, so the client can find it.</summary>
    private string DescribeRule(string table)
    {
        try
        {
            return _rules.FindRule(table) is { } rule ? $" (filter rule match '{rule.Match}', filter '{rule.Filter}')" : "";
        }
        catch (VStreamFilterException)
        {
            return "";
        }
    }

    /// <summary>The filter's view of a table: column names and comparison kinds from the binlog, keys, primary vindex.</summary>
    private TableSchema Describe(string table, IReadOnlyList<ColumnInfo> binlogColumns, IReadOnlyList<int> primaryKeyIndexes)
    {
        var columns = binlogColumns.Select(c => new ColumnSchema(
            c.Name ?? "@" + (c.Index + 1),
            ColumnKinds.FromColumnType(c.Type, c.IsUnsigned, !c.IsText))).ToList();
        var primaryKey = primaryKeyIndexes.Select(i => columns[i].Name).ToList();
        return new TableSchema(table, columns, primaryKey, _primaryVindexes.GetValueOrDefault(table));
    }
}
