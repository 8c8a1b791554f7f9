using VGate.MySql.Binlog;
using VGate.VStreamer.Streaming;

namespace VGate.VStreamer.Tests.Streaming;

public sealed class SavepointPlanTests
{
    private static SavepointStatement Set(string name, ulong at) => new(TransactionEventRole.Savepoint, name, at);

    private static SavepointStatement RollBackTo(string name, ulong at) => new(TransactionEventRole.RollbackToSavepoint, name, at);

    private static SavepointStatement Release(string name, ulong at) => new(TransactionEventRole.ReleaseSavepoint, name, at);

    [Fact]
    public void Compute_NestedRollbacks_UndoesFromEachSavepointToItsRollback()
    {
        // The nested group of tests/TestData/mariadb/mariadb-10.11-txn.000004 (GTID 0-1-8), by end offsets:
        // SAVEPOINT a @2672, SAVEPOINT b @2919, ROLLBACK TO b @3168, ROLLBACK TO a @3417.
        var plan = SavepointPlan.Compute([Set("a", 2672), Set("b", 2919), RollBackTo("b", 3168), RollBackTo("a", 3417)]);

        Assert.Equal([(2919UL, 3168UL), (2672UL, 3417UL)], plan.Undone);
        Assert.False(plan.IsUndone(2593)); // row 50, before a
        Assert.True(plan.IsUndone(2840));  // row 51
        Assert.True(plan.IsUndone(3087));  // row 52
        Assert.True(plan.IsUndone(3336));  // row 53
        Assert.False(plan.IsUndone(3577)); // row 54
    }

    [Fact]
    public void Compute_RollbackToOuterDropsInnerAndSameNameMovesTheSavepoint()
    {
        var plan = SavepointPlan.Compute([Set("a", 10), Set("b", 20), RollBackTo("a", 30), RollBackTo("b", 40), Set("a", 50), Set("a", 60), RollBackTo("a", 70)]);

        // ROLLBACK TO b after ROLLBACK TO a finds no b; the second SAVEPOINT a replaces the first.
        Assert.Equal([(10UL, 30UL), (60UL, 70UL)], plan.Undone);
        Assert.False(plan.IsUndone(55));
    }

    [Fact]
    public void Compute_Released_NothingUndone()
    {
        var plan = SavepointPlan.Compute([Set("a", 10), Set("b", 20), Release("a", 30), RollBackTo("b", 40)]);
        Assert.Empty(plan.Undone);
    }
}
