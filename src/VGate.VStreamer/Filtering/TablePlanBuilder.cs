using System.Text;
using System.Text.RegularExpressions;
using VGate.VStreamer.Filtering.Sql;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// Turns filter rules into <see cref="TablePlan"/>s, following Vitess's <c>vstreamer/planbuilder.go</c>
/// (<c>buildPlan</c>, <c>buildREPlan</c>, <c>buildTablePlan</c>), including its error messages.
/// </summary>
/// <remarks>
/// Accepted filter statements (exact-name rules):
/// <code>
/// select * | item [, item …] from table [where term [and term …]] [;]
/// item := column [[as] alias] | keyspace_id() | 1 | convert(column using charset) [[as] alias]
///       | convert_tz(column, literal, literal) [as] column
/// term := column (= | != | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;=) literal | column in (literal, …)
///       | column is [not] null | column [not] between literal and literal
///       | in_keyrange('kr') | in_keyrange(column [, column …], 'vindex', 'kr')
/// literal := integer | decimal | float | 'string' | 0x… | x'…' | true | false   (numbers may be negative)
/// </code>
/// Keywords are case-insensitive; identifiers may be backquoted; column names match case-insensitively; the table
/// name must equal the rule's (case-sensitive).
/// </remarks>
public sealed partial class TablePlanBuilder
{
    private readonly IVindexResolver? _vindexes;
    private readonly IKeyRangeParser? _keyRanges;

    /// <summary>Creates a builder.</summary>
    /// <param name="rules">The filter rules.</param>
    /// <param name="vindexes">Vindex lookup for key-range filters and <c>keyspace_id()</c>; null in an unsharded keyspace.</param>
    /// <param name="keyRanges">Key-range parsing; null when key ranges are not available.</param>
    public TablePlanBuilder(FilterRules rules, IVindexResolver? vindexes = null, IKeyRangeParser? keyRanges = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        _vindexes = vindexes;
        _keyRanges = keyRanges;
    }

    /// <summary>The rules.</summary>
    public FilterRules Rules { get; }

    /// <summary>
    /// The streaming-phase plan for <paramref name="table"/>, or null when no rule matches (or the table is <c>dual</c>).
    /// </summary>
    /// <exception cref="VStreamFilterException">The matching rule can't be planned for this table.</exception>
    public TablePlan? Build(TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Name == "dual")
        {
            return null;
        }

        var rule = Rules.FindRule(table.Name);
        if (rule is null)
        {
            return null;
        }

        return rule.IsRegex ? BuildRegexPlan(table, rule) : BuildSelectPlan(table, rule, rule.Filter);
    }

    /// <summary>
    /// The copy-phase plan: like <see cref="Build"/>, except that an exact-name rule whose filter is "" or a bare key
    /// range is read as <c>select * from t</c> or <c>select * from t where in_keyrange('kr')</c>, as the Vitess copy
    /// phase does (the streaming phase rejects those filters).
    /// </summary>
    /// <exception cref="VStreamFilterException">The matching rule can't be planned for this table.</exception>
    public TablePlan? BuildForCopy(TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Name == "dual")
        {
            return null;
        }

        var rule = Rules.FindRule(table.Name);
        if (rule is null)
        {
            return null;
        }

        if (rule.IsRegex)
        {
            return BuildRegexPlan(table, rule);
        }

        var filter = rule.Filter.Trim();
        var quoted = SqlKeywords.Quote(table.Name);
        if (filter.Length == 0)
        {
            filter = $"select * from {quoted}";
        }
        else if (!filter.StartsWith("select", StringComparison.OrdinalIgnoreCase))
        {
            var literal = new StringBuilder();
            SqlLiteral.AppendQuoted(literal, filter);
            filter = $"select * from {quoted} where in_keyrange({literal})";
        }

        return BuildSelectPlan(table, rule, filter);
    }

    /// <summary>
    /// The tables to copy, sorted by name: every table a rule matches, <c>dual</c> excluded.
    /// </summary>
    /// <exception cref="VStreamFilterException">
    /// An exact-name rule names a table that isn't in <paramref name="tableNames"/>
    /// ("table X is not present in the database"), or a regular expression is invalid.
    /// </exception>
    public IReadOnlyList<string> SelectTablesToCopy(IEnumerable<string> tableNames)
    {
        ArgumentNullException.ThrowIfNull(tableNames);
        var names = tableNames.Where(n => n != "dual").ToHashSet(StringComparer.Ordinal);
        foreach (var rule in Rules.Rules)
        {
            if (!rule.IsRegex && !names.Contains(rule.Match))
            {
                throw VStreamFilterException.Create($"table {rule.Match} is not present in the database", rule.Match);
            }
        }

        var result = names.Where(n => Rules.FindRule(n) is not null).ToList();
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private TablePlan BuildRegexPlan(TableSchema table, FilterRule rule)
    {
        var columns = AllColumns(table);
        if (rule.Filter.Length == 0)
        {
            return new TablePlan(table, rule, columns, [], [], null, []);
        }

        var (vindexName, vindex, vindexColumns) = PrimaryVindex(table);
        var ranges = ParseKeyRanges(rule.Filter);
        if (ranges.Count != 1)
        {
            throw VStreamFilterException.Create($"error parsing keyrange: {rule.Filter}", rule.Filter);
        }

        var keyRange = new KeyRangeFilter(vindexName, vindex, vindexColumns, Kinds(table, vindexColumns), rule.Filter, ranges[0]);
        return new TablePlan(table, rule, columns, [], [keyRange], null, []);
    }

    private TablePlan BuildSelectPlan(TableSchema table, FilterRule rule, string filter)
    {
        var select = SqlParser.ParseSelect(filter);
        if (select.Table != table.Name)
        {
            var message = $"unsupported: select expression table {SqlKeywords.RenderIdentifier(select.Table)} does not match the table entry name {table.Name}";
            throw VStreamFilterException.Create(message, select.Table);
        }

        var predicates = new List<RowPredicate>();
        var keyRanges = new List<KeyRangeFilter>();
        foreach (var term in SplitAnd(select.Where))
        {
            AnalyzeTerm(table, term, predicates, keyRanges);
        }

        IKeyspaceIdFunction? primaryVindex = null;
        IReadOnlyList<int> primaryVindexColumns = [];
        List<PlanColumn> columns;
        if (select.Items[0].IsStar && select.Items[0].StarQualifier is null)
        {
            if (select.Items.Count != 1)
            {
                throw VStreamFilterException.Unsupported(select.RenderItems());
            }

            columns = AllColumns(table);
        }
        else
        {
            columns = [];
            foreach (var item in select.Items)
            {
                var column = AnalyzeSelectItem(table, item);
                if (column.Kind == PlanColumnKind.KeyspaceId && primaryVindex is null)
                {
                    (_, primaryVindex, primaryVindexColumns) = PrimaryVindex(table);
                }

                columns.Add(column);
            }
        }

        return new TablePlan(table, rule, columns, predicates, keyRanges, primaryVindex, primaryVindexColumns);
    }

    private PlanColumn AnalyzeSelectItem(TableSchema table, SqlSelectItem item)
    {
        if (item.Expression is null)
        {
            throw VStreamFilterException.Unsupported(item.ToString());
        }

        switch (item.Expression)
        {
            case SqlColumn column:
            {
                var index = FindColumn(table, column);
                return new PlanColumn(PlanColumnKind.Column, index, table.Columns[index].Name);
            }

            case SqlFunctionCall call when call.IsNamed("keyspace_id"):
                if (call.Arguments.Count != 0 || call.Star)
                {
                    throw VStreamFilterException.Unexpected(call.ToString());
                }

                // Resolved here so that a table without a vindex fails at plan time, as in Vitess.
                _ = PrimaryVindex(table);
                return new PlanColumn(PlanColumnKind.KeyspaceId, -1, "keyspace_id");

            case SqlFunctionCall call when call.IsNamed("convert_tz"):
            {
                if (item.Alias is null)
                {
                    throw VStreamFilterException.Create($"unsupported: {call} needs an alias naming a column", call.ToString());
                }

                var index = table.FindColumn(item.Alias);
                if (index < 0)
                {
                    throw VStreamFilterException.ColumnNotFound(SqlKeywords.RenderIdentifier(item.Alias), table.Name);
                }

                return new PlanColumn(PlanColumnKind.Column, index, table.Columns[index].Name, ConvertTimeZone: RenderConvertTz(table, call));
            }

            case SqlFunctionCall call:
                throw VStreamFilterException.UnsupportedFunction(call.ToString());

            case SqlLiteral literal:
                if (literal.Kind != SqlLiteralKind.Integer)
                {
                    throw VStreamFilterException.Create("only integer literals are supported", literal.ToString());
                }

                if (literal.Text != "1")
                {
                    throw VStreamFilterException.Create("only the integer literal 1 is supported", literal.ToString());
                }

                return new PlanColumn(PlanColumnKind.LiteralOne, -1, "1");

            case SqlConvertUsing convert:
            {
                if (convert.Operand is not SqlColumn column)
                {
                    throw VStreamFilterException.Unsupported(convert.ToString());
                }

                var index = FindColumn(table, column);
                return new PlanColumn(PlanColumnKind.Column, index, table.Columns[index].Name, ConvertCharset: convert.Charset.ToLowerInvariant());
            }

            default:
                throw VStreamFilterException.Unsupported(item.Expression.ToString());
        }
    }

    private static string RenderConvertTz(TableSchema table, SqlFunctionCall call)
    {
        if (call.Arguments.Count != 3 || call.Arguments[0] is not SqlColumn source
            || call.Arguments[1] is not SqlLiteral { Kind: SqlLiteralKind.String } from
            || call.Arguments[2] is not SqlLiteral { Kind: SqlLiteralKind.String } to)
        {
            throw VStreamFilterException.Unsupported(call.ToString());
        }

        var index = FindColumn(table, source);
        CheckTimeZone(from, call);
        CheckTimeZone(to, call);
        return $"convert_tz({SqlKeywords.Quote(table.Columns[index].Name)}, {from.ToServerSql()}, {to.ToServerSql()})";
    }

    /// <summary>
    /// A convert_tz argument must be a time zone: <c>SYSTEM</c>, an offset <c>±hh:mm</c>, or a named zone (letters,
    /// digits, <c>_ / + -</c>, e.g. <c>Europe/Paris</c>, <c>Etc/GMT+5</c>). Anything else is refused before it can reach
    /// the copy query.
    /// </summary>
    private static void CheckTimeZone(SqlLiteral zone, SqlFunctionCall call)
    {
        var text = zone.Text;
        if (text.Length is > 0 and <= 64 && (TimeZoneOffset().IsMatch(text) || TimeZoneName().IsMatch(text)))
        {
            return;
        }

        throw VStreamFilterException.Create($"unsupported: {call}: {zone} is not a time zone (SYSTEM, ±hh:mm or a zone name)", zone.ToString());
    }

    [GeneratedRegex(@"^[+-][0-9]{1,2}:[0-9]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZoneOffset();

    [GeneratedRegex(@"^[A-Za-z_/+\-0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZoneName();

    private void AnalyzeTerm(TableSchema table, SqlExpression term, List<RowPredicate> predicates, List<KeyRangeFilter> keyRanges)
    {
        switch (term)
        {
            case SqlComparison comparison:
                predicates.Add(AnalyzeComparison(table, comparison));
                break;
            case SqlFunctionCall call when call.IsNamed("in_keyrange"):
                keyRanges.Add(AnalyzeInKeyRange(table, call));
                break;
            case SqlIs test when test.Test is "null" or "not null":
            {
                var index = TermColumn(table, test.Operand, test);
                var op = test.Test == "null" ? PredicateOperator.IsNull : PredicateOperator.IsNotNull;
                var sql = $"{SqlKeywords.Quote(table.Columns[index].Name)} is {test.Test}";
                predicates.Add(new RowPredicate(op, index, [], sql, []));
                break;
            }

            case SqlBetween between:
            {
                var index = TermColumn(table, between.Operand, between);
                var low = TermLiteral(between.Low, between, allowNull: false);
                var high = TermLiteral(between.High, between, allowNull: false);
                var kind = table.Columns[index].Kind;
                var op = between.Negated ? PredicateOperator.NotBetween : PredicateOperator.Between;
                var sql = $"{SqlKeywords.Quote(table.Columns[index].Name)} {(between.Negated ? "not between" : "between")} {low.ToServerSql()} and {high.ToServerSql()}";
                predicates.Add(new RowPredicate(op, index, [low.ToString(), high.ToString()], sql, [LiteralComparand.Create(kind, low), LiteralComparand.Create(kind, high)]));
                break;
            }

            default:
                throw VStreamFilterException.UnsupportedConstraint(term.ToString());
        }
    }

    private static RowPredicate AnalyzeComparison(TableSchema table, SqlComparison comparison)
    {
        var op = comparison.Operator switch
        {
            "=" => PredicateOperator.Equal,
            "!=" => PredicateOperator.NotEqual,
            "<" => PredicateOperator.LessThan,
            "<=" => PredicateOperator.LessThanOrEqual,
            ">" => PredicateOperator.GreaterThan,
            ">=" => PredicateOperator.GreaterThanOrEqual,
            "in" => PredicateOperator.In,
            _ => throw VStreamFilterException.Create($"comparison operator {comparison.Operator} not supported", comparison.ToString()),
        };
        var index = TermColumn(table, comparison.Left, comparison);
        var kind = table.Columns[index].Kind;
        var column = SqlKeywords.Quote(table.Columns[index].Name);
        if (op == PredicateOperator.In)
        {
            if (comparison.Right is not SqlTuple tuple)
            {
                throw VStreamFilterException.Unexpected(comparison.ToString());
            }

            var literals = tuple.Items.Select(item => TermLiteral(item, comparison, allowNull: true)).ToArray();
            var sql = $"{column} in ({string.Join(", ", literals.Select(l => l.ToServerSql()))})";
            return new RowPredicate(op, index, literals.Select(l => l.ToString()).ToArray(), sql, literals.Select(l => LiteralComparand.Create(kind, l)).ToArray());
        }

        var literal = TermLiteral(comparison.Right, comparison, allowNull: false);
        return new RowPredicate(op, index, [literal.ToString()], $"{column} {comparison.Operator} {literal.ToServerSql()}", [LiteralComparand.Create(kind, literal)]);
    }

    private KeyRangeFilter AnalyzeInKeyRange(TableSchema table, SqlFunctionCall call)
    {
        var arguments = call.Arguments;
        string vindexName;
        IKeyspaceIdFunction vindex;
        IReadOnlyList<int> columns;
        SqlExpression keyRangeArgument;
        if (arguments.Count == 1)
        {
            (vindexName, vindex, columns) = PrimaryVindex(table);
            keyRangeArgument = arguments[0];
        }
        else if (arguments.Count >= 3)
        {
            var vindexColumns = new List<SqlColumn>();
            foreach (var argument in arguments.Take(arguments.Count - 2))
            {
                if (argument is not SqlColumn column)
                {
                    throw VStreamFilterException.Unexpected(argument.ToString());
                }

                if (column.IsQualified)
                {
                    throw VStreamFilterException.UnsupportedQualifier(column.ToString());
                }

                vindexColumns.Add(column);
            }

            vindexName = StringArgument(arguments[^2]);
            vindex = ResolveVindex(vindexName);
            if (!vindex.IsUnique)
            {
                throw VStreamFilterException.Create($"vindex must be Unique to be used for VReplication: {vindexName}", vindexName);
            }

            columns = vindexColumns.Select(c => FindColumn(table, c)).ToArray();
            keyRangeArgument = arguments[^1];
        }
        else
        {
            var text = string.Join(", ", arguments.Select(a => a.ToString()));
            throw VStreamFilterException.Create($"unexpected in_keyrange parameters: {text}", text);
        }

        var spec = StringArgument(keyRangeArgument);
        var ranges = ParseKeyRanges(spec);
        if (ranges.Count != 1)
        {
            throw VStreamFilterException.Create($"unexpected in_keyrange parameter: {keyRangeArgument}", keyRangeArgument.ToString());
        }

        return new KeyRangeFilter(vindexName, vindex, columns, Kinds(table, columns), spec, ranges[0]);
    }

    private (string Name, IKeyspaceIdFunction Vindex, IReadOnlyList<int> Columns) PrimaryVindex(TableSchema table)
    {
        if (table.PrimaryVindex is not { } primary || primary.Columns.Count == 0)
        {
            throw VStreamFilterException.Create($"table {table.Name} has no vindex", table.Name);
        }

        var vindex = ResolveVindex(primary.Name);
        var columns = new int[primary.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = table.FindColumn(primary.Columns[i]);
            if (columns[i] < 0)
            {
                throw VStreamFilterException.ColumnNotFound(SqlKeywords.RenderIdentifier(primary.Columns[i]), table.Name);
            }
        }

        return (primary.Name, vindex, columns);
    }

    /// <summary>Vitess <c>FindOrCreateVindex</c> wording for names that don't resolve.</summary>
    private IKeyspaceIdFunction ResolveVindex(string name)
    {
        var parts = name.Split('.');
        if (parts.Length > 2)
        {
            throw VStreamFilterException.Create($"invalid vindex name: {name}", name);
        }

        if (_vindexes is not null && _vindexes.TryResolve(name, out var vindex))
        {
            return vindex;
        }

        throw parts.Length == 2
            ? VStreamFilterException.Create($"vindex {name} not found", name)
            : VStreamFilterException.Create($"vindexType \"{name}\" not found", name);
    }

    private IReadOnlyList<IKeyRangeMatcher> ParseKeyRanges(string spec)
    {
        if (_keyRanges is null)
        {
            throw VStreamFilterException.Create($"key range {spec} can't be used: no key range support is configured", spec);
        }

        try
        {
            return _keyRanges.ParseShardingSpec(spec);
        }
        catch (FormatException e)
        {
            throw VStreamFilterException.Create(e.Message, spec, e);
        }
    }

    private static string StringArgument(SqlExpression argument) => argument is SqlLiteral { Kind: SqlLiteralKind.String } literal
        ? literal.Text
        : throw VStreamFilterException.Unsupported(argument.ToString());

    private static int TermColumn(TableSchema table, SqlExpression operand, SqlExpression term)
    {
        if (operand is not SqlColumn column)
        {
            throw VStreamFilterException.Unexpected(term.ToString());
        }

        return FindColumn(table, column);
    }

    private static SqlLiteral TermLiteral(SqlExpression operand, SqlExpression term, bool allowNull) =>
        operand is SqlLiteral literal && (allowNull || literal.Kind != SqlLiteralKind.Null)
            ? literal
            : throw VStreamFilterException.Unexpected(term.ToString());

    private static int FindColumn(TableSchema table, SqlColumn column)
    {
        if (column.IsQualified)
        {
            throw VStreamFilterException.UnsupportedQualifier(column.ToString());
        }

        var index = table.FindColumn(column.Name);
        return index >= 0 ? index : throw VStreamFilterException.ColumnNotFound(SqlKeywords.RenderIdentifier(column.Name), table.Name);
    }

    private static ColumnKind[] Kinds(TableSchema table, IReadOnlyList<int> columns) =>
        columns.Select(c => table.Columns[c].Kind).ToArray();

    private static List<PlanColumn> AllColumns(TableSchema table) =>
        table.Columns.Select((c, i) => new PlanColumn(PlanColumnKind.Column, i, c.Name)).ToList();

    private static IEnumerable<SqlExpression> SplitAnd(SqlExpression? expression)
    {
        if (expression is null)
        {
            yield break;
        }

        if (expression is SqlLogical { Operator: "and" } and)
        {
            foreach (var left in SplitAnd(and.Left))
            {
                yield return left;
            }

            foreach (var right in SplitAnd(and.Right))
            {
                yield return right;
            }

            yield break;
        }

        yield return expression;
    }
}
