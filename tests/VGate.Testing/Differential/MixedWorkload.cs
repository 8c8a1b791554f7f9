using System.Globalization;
using System.Text;
using MySqlConnector;

namespace VGate.Testing.Differential;

/// <summary>
/// The mixed workload of the benchmarks (issue 16): realistic rather than adversarial. The differential test's tables
/// (every column type, edge values, multibyte text in eight character sets, spatial types) plus <c>docs</c>, rows of
/// 1–70 KB utf8mb4 text with a binary attachment and a JSON document, written as multi-row INSERTs, UPDATEs of a few
/// columns of up to 20 rows (full row images) and DELETEs, in transactions of one to three statements.
/// </summary>
/// <remarks>
/// Each statement picks a table by weight: small rows of <c>ints</c>, <c>reals</c>, <c>times</c> most often, the wide
/// string tables less, <c>lobs</c> and <c>docs</c> rarely, so the binlog averages about 2 KB per row change with every
/// type present. The same seed gives the same SQL.
/// </remarks>
public sealed partial class RandomWorkload
{
    /// <summary>Table name → weight: how often a statement of the mixed workload goes to that table.</summary>
    private static readonly (string Table, int Weight)[] MixedWeights =
    [
        ("ints", 22), ("reals", 16), ("times", 16), ("strs", 18), ("charsets", 16), ("lobs", 3), ("docs", 3),
    ];

    private static readonly string[] DocWords =
    [
        "the", "stream", "of", "changes", "arrives", "in", "order", "and", "each", "shard", "keeps", "its", "position",
        "données", "réplication", "Übertragung", "größe", "naïve", "façade", "журнал", "изменений", "ログ", "変更",
        "データベース", "二进制日志", "데이터", "😀", "🚀", "ÆØÅ", "ĳ", "łódź", "Ελληνικά", "עברית", "العربية", "हिन्दी",
        "\"quoted\"", "it's", "a\\b", "tab\there", "line\nbreak", "100%", "snake_case", "<tag>", "&amp;", "€1,000.50",
    ];

    /// <summary>Row changes written by <see cref="RunMixedAsync"/> so far (rows inserted, updated and deleted).</summary>
    public long MixedRowChanges { get; private set; }

    /// <summary>Transactions committed by <see cref="RunMixedAsync"/> so far.</summary>
    public long MixedTransactions { get; private set; }

    /// <summary>
    /// The statements that create the mixed workload's tables: the differential tables of
    /// <see cref="CreateInitialTables"/> (with this instance's options) and <c>docs</c>.
    /// </summary>
    public IReadOnlyList<string> CreateMixedTables()
    {
        var statements = new List<string>(CreateInitialTables());
        var docs = new TableSpec("docs",
        [
            Col("title", "VARCHAR(200) NOT NULL DEFAULT ''", r => Utf8(r, 200), nullable: false),
            Col("body", "MEDIUMTEXT", DocumentText),
            Col("attachment", "MEDIUMBLOB", r => r.Next(2) == 0 ? "NULL" : Attachment(r)),
            Col("meta", "JSON", Json),
            Col("score", "DECIMAL(10,2)", r => Decimal(r, 10, 2, unsigned: false)),
            Col("views", "BIGINT UNSIGNED NOT NULL DEFAULT 0", r => UInt(r, ulong.MaxValue), nullable: false),
            Col("updated", "DATETIME(6)", r => DateTime(r, 6)),
        ]);
        _tables.Add(docs);
        statements.Add(docs.CreateSql(_database));
        return statements;
    }

    /// <summary>
    /// Runs transactions of the mixed workload on <paramref name="connection"/> (opened with
    /// <see cref="OpenSessionAsync"/>) until at least <paramref name="rowChanges"/> row changes are written.
    /// <paramref name="progress"/> is told the row changes so far after each transaction.
    /// </summary>
    public async Task RunMixedAsync(MySqlConnection connection, long rowChanges, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tables = MixedWeights.Select(w => (Table: _tables.Single(t => t.Name == w.Table), w.Weight)).ToArray();
        var totalWeight = tables.Sum(t => t.Weight);
        var live = tables.ToDictionary(t => t.Table, _ => new List<int>());
        var sql = new StringBuilder();
        while (MixedRowChanges < rowChanges)
        {
            sql.Clear().Append("BEGIN;\n");
            var statements = _random.Next(1, 4);
            for (var s = 0; s < statements; s++)
            {
                var table = PickWeighted(tables, totalWeight);
                var ids = live[table];
                var maxRows = table.Name is "docs" or "lobs" ? 3 : 20;
                var count = _random.Next(1, maxRows + 1);
                var operation = _random.Next(10);
                if (operation < 6 || ids.Count < count * 2)
                {
                    var newIds = Enumerable.Range(table.NextId, count).ToList();
                    table.NextId += count;
                    ids.AddRange(newIds);
                    sql.Append(table.InsertSql(_database, newIds, _random)).Append(";\n");
                }
                else if (operation < 9)
                {
                    var chosen = new HashSet<int>();
                    while (chosen.Count < count)
                        chosen.Add(ids[_random.Next(ids.Count)]);
                    sql.Append(table.UpdateSql(_database, [.. chosen], _random)).Append(";\n");
                }
                else
                {
                    var chosen = new List<int>(count);
                    for (var i = 0; i < count; i++)
                    {
                        var index = _random.Next(ids.Count);
                        chosen.Add(ids[index]);
                        ids[index] = ids[^1];
                        ids.RemoveAt(ids.Count - 1);
                    }

                    sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM `{_database}`.`{table.Name}` WHERE id IN ({string.Join(", ", chosen)});\n");
                }

                MixedRowChanges += count;
            }

            sql.Append("COMMIT;");
            await using (var command = new MySqlCommand(sql.ToString(), connection) { CommandTimeout = 0 })
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            MixedTransactions++;
            progress?.Invoke(MixedRowChanges);
        }
    }

    private TableSpec PickWeighted((TableSpec Table, int Weight)[] tables, int totalWeight)
    {
        var pick = _random.Next(totalWeight);
        foreach (var (table, weight) in tables)
        {
            if (pick < weight)
                return table;
            pick -= weight;
        }

        return tables[^1].Table;
    }

    /// <summary>Prose-like utf8mb4 text of 1–70 KB (words in several scripts, punctuation, quotes, newlines).</summary>
    private static string DocumentText(Random r)
    {
        var targetBytes = r.Next(1_024, 70 * 1_024);
        var text = new StringBuilder(targetBytes);
        var bytes = 0;
        while (true)
        {
            var word = DocWords[r.Next(DocWords.Length)];
            var wordBytes = Encoding.UTF8.GetByteCount(word) + 1;
            if (bytes + wordBytes > targetBytes)
                break;
            text.Append(word).Append(r.Next(12) == 0 ? '\n' : ' ');
            bytes += wordBytes;
        }

        return "_utf8mb4 " + Hex(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>A binary attachment of 1–70 KB: half random bytes, half runs (as in compressed and uncompressed files).</summary>
    private static string Attachment(Random r)
    {
        var bytes = new byte[r.Next(1_024, 70 * 1_024)];
        r.NextBytes(bytes.AsSpan(0, bytes.Length / 2));
        bytes.AsSpan(bytes.Length / 2).Fill((byte)r.Next(256));
        return Hex(bytes);
    }
}
