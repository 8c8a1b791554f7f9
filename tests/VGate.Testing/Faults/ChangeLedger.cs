using System.Globalization;

namespace VGate.Testing.Faults;

/// <summary>
/// Counts what a consumer received against what the workload committed, by each row change's workload identity
/// (<see cref="RowChange.Identities"/>): every identity must arrive exactly once. Not thread-safe; one per consumer.
/// </summary>
public sealed class ChangeLedger
{
    private readonly Dictionary<string, int> _received = new(StringComparer.Ordinal);

    /// <summary>Row changes received, counting repeats.</summary>
    public long Received { get; private set; }

    /// <summary>Records one received change by its identities.</summary>
    public void Add(RowChange change)
    {
        Received++;
        foreach (var identity in change.Identities())
            _received[identity] = _received.GetValueOrDefault(identity) + 1;
    }

    /// <summary>
    /// Compares with <paramref name="expected"/> (the identities of every committed change): lost (expected, never
    /// received), duplicated (received more than once, counting each extra copy) and unexpected (received, never committed).
    /// </summary>
    public LedgerResult Judge(IReadOnlySet<string> expected)
    {
        var lost = expected.Where(e => !_received.ContainsKey(e)).Order(StringComparer.Ordinal).ToList();
        var duplicated = _received.Where(r => r.Value > 1).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        var unexpected = _received.Keys.Where(k => !expected.Contains(k)).Order(StringComparer.Ordinal).ToList();
        return new LedgerResult(expected.Count, lost, duplicated, _received.Where(r => r.Value > 1).Sum(r => (long)r.Value - 1), unexpected);
    }
}

/// <summary>The verdict of a <see cref="ChangeLedger"/>.</summary>
/// <param name="Expected">Committed change identities.</param>
/// <param name="Lost">Identities never received.</param>
/// <param name="Duplicated">Identities received more than once.</param>
/// <param name="ExtraCopies">How many extra copies arrived in all.</param>
/// <param name="Unexpected">Identities received that no committed transaction wrote.</param>
public sealed record LedgerResult(int Expected, IReadOnlyList<string> Lost, IReadOnlyList<string> Duplicated, long ExtraCopies, IReadOnlyList<string> Unexpected)
{
    public bool ExactlyOnce => Lost.Count == 0 && Duplicated.Count == 0 && Unexpected.Count == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"expected {Expected}, lost {Lost.Count}{Sample(Lost)}, duplicated {Duplicated.Count} ({ExtraCopies} extra copies){Sample(Duplicated)}, unexpected {Unexpected.Count}{Sample(Unexpected)}");

    private static string Sample(IReadOnlyList<string> items) => items.Count == 0 ? "" : " (first: " + string.Join(", ", items.Take(5)) + ")";
}

/// <summary>
/// One row of the fault workload's table (<c>id</c>, <c>writer</c>, <c>v</c>, <c>n</c>): <c>id</c> is unique across the
/// run, <c>n</c> is the number of the transaction that wrote this version of the row (unique across the run, and a
/// transaction writes a row at most once), so <c>(id, n)</c> names one version of one row.
/// </summary>
public sealed record RowImage(long Id, int Writer, string V, int N);

/// <summary>A row change as a consumer saw it (or the workload made it): before and after images, either may be absent.</summary>
public sealed record RowChange(RowImage? Before, RowImage? After)
{
    /// <summary>
    /// The workload identities of the change: <c>i:id:n</c> for an insert, <c>u:id:n</c> for an update,
    /// <c>d:id:n</c> (the deleted version) for a delete; a primary-key change is a delete of the old key and an insert
    /// of the new one (as Debezium writes it), so VStream's single update and Kafka's delete + create count the same.
    /// </summary>
    public IEnumerable<string> Identities()
    {
        if (Before is null && After is null)
            throw new InvalidOperationException("a row change without images");
        if (Before is null)
            yield return Identity('i', After!);
        else if (After is null)
            yield return Identity('d', Before);
        else if (Before.Id != After.Id)
        {
            yield return Identity('d', Before);
            yield return Identity('i', After);
        }
        else
            yield return Identity('u', After);
    }

    private static string Identity(char kind, RowImage image) => string.Create(CultureInfo.InvariantCulture, $"{kind}:{image.Id}:{image.N}");
}
