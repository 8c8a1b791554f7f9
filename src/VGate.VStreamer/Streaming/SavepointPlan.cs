using VGate.MySql.Binlog;

namespace VGate.VStreamer.Streaming;

/// <summary>A SAVEPOINT, ROLLBACK TO or RELEASE SAVEPOINT statement of a group, where it ends in the binlog file.</summary>
/// <param name="Role">Its role (one of the three savepoint roles, or <see cref="TransactionEventRole.Rollback"/> for a group that ends in ROLLBACK).</param>
/// <param name="Name">The savepoint's name.</param>
/// <param name="EndPosition">The file offset after the statement's event.</param>
internal readonly record struct SavepointStatement(TransactionEventRole Role, string Name, ulong EndPosition);

/// <summary>
/// Which events of one group were undone on the source by a ROLLBACK TO, computed from all the group's savepoint
/// statements (read ahead): the events after <c>SAVEPOINT x</c> up to and including <c>ROLLBACK TO x</c>, by file
/// offset. Savepoints nest as on the server: ROLLBACK TO x keeps x and drops the savepoints set after it; SAVEPOINT x
/// again moves x; RELEASE x drops x and the later ones.
/// </summary>
internal sealed class SavepointPlan
{
    private readonly List<(ulong From, ulong To)> _undone;

    private SavepointPlan(List<(ulong From, ulong To)> undone) => _undone = undone;

    /// <summary>The undone ranges: an event whose end offset is in (From, To] was rolled back.</summary>
    public IReadOnlyList<(ulong From, ulong To)> Undone => _undone;

    /// <param name="statements">The group's savepoint statements in order, and its end when that is a ROLLBACK.</param>
    /// <param name="groupStart">The file offset where the group starts: a ROLLBACK TO a savepoint the server did not log
    /// (it logs SAVEPOINT only once the group has changes) and a ROLLBACK of the whole group go back to it.</param>
    public static SavepointPlan Compute(IEnumerable<SavepointStatement> statements, ulong groupStart)
    {
        var open = new List<(string Name, ulong Position)>();
        var undone = new List<(ulong From, ulong To)>();
        foreach (var statement in statements)
        {
            var index = open.FindLastIndex(s => string.Equals(s.Name, statement.Name, StringComparison.OrdinalIgnoreCase));
            switch (statement.Role)
            {
                case TransactionEventRole.Rollback:
                case TransactionEventRole.RollbackToSavepoint when index < 0:
                    undone.Add((groupStart, statement.EndPosition));
                    open.Clear();
                    break;
                case TransactionEventRole.Savepoint:
                    if (index >= 0)
                        open.RemoveAt(index);
                    open.Add((statement.Name, statement.EndPosition));
                    break;
                case TransactionEventRole.RollbackToSavepoint when index >= 0:
                    undone.Add((open[index].Position, statement.EndPosition));
                    open.RemoveRange(index + 1, open.Count - index - 1);
                    break;
                case TransactionEventRole.ReleaseSavepoint when index >= 0:
                    open.RemoveRange(index, open.Count - index);
                    break;
            }
        }
        return new SavepointPlan(undone);
    }

    /// <summary>True when the event ending at <paramref name="endPosition"/> was rolled back on the source.</summary>
    public bool IsUndone(ulong endPosition)
    {
        foreach (var (from, to) in _undone)
        {
            if (endPosition > from && endPosition <= to)
                return true;
        }
        return false;
    }
}
