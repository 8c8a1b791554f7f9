using VGate.MySql.Binlog;
using VGate.VStreamer.Streaming;

namespace VGate.VStreamer.Tests.Streaming;

public sealed class SavepointPlanTests
{
    private const ulong GroupStart = 5;

    private static SavepointStatement Set(string name, ulong at) => new(TransactionEventRole.Savepoint, name, at);

    private static SavepointStatement RollBackTo(string name, ulong at) => new(TransactionEventRole.RollbackToSavepoint, name, at);

    private static SavepointStatement Release(string name, ulong at) => new(TransactionEventRole.ReleaseSavepoint, name, at);

    [Fact]
    public void Compute_NestedRollbacks_UndoesFromEachSavepointToItsRollback()
    {
        // The nested group of tests/TestData/mariadb/mariadb-10.11-txn.000004 (GTID 0-1-8), by end offsets:
        // SAVEPOINT a @2672, SAVEPOINT b @2919, ROLLBACK TO b @3168, ROLLBACK TO a @3417.
        var plan = SavepointPlan.Compute([Set("a", 2672), Set("b", 2919), RollBackTo("b", 3168), RollBackTo("a", 3417)], GroupStart);

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
        var plan = SavepointPlan.Compute([Set("a", 10), Set("b", 20), RollBackTo("a", 30), Set("a", 50), Set("a", 60), RollBackTo("a", 70)], GroupStart);

        // ROLLBACK TO a drops b (a ROLLBACK TO b after it fails on the server, so it is never logged); the second
        // SAVEPOINT a replaces the first.
        Assert.Equal([(10UL, 30UL), (60UL, 70UL)], plan.Undone);
        Assert.False(plan.IsUndone(55));
    }

    [Fact]
    public void Compute_Released_NothingUndone()
    {
        var plan = SavepointPlan.Compute([Set("a", 10), Set("b", 20), Release("a", 30)], GroupStart);
        Assert.Empty(plan.Undone);
    }

    [Fact]
    public void Compute_RollbackToASavepointTheServerDidNotLog_UndoesFromTheGroupStart()
    {
        // SAVEPOINT sp1 ran while the group had no changes yet, so the server did not log it; its ROLLBACK TO is logged
        // (a non-transactional table changed after it) and undoes everything the group logged before it.
        var plan = SavepointPlan.Compute([Set("sp2", 20), RollBackTo("sp1", 40)], GroupStart);
        Assert.Equal([(GroupStart, 40UL)], plan.Undone);
        Assert.True(plan.IsUndone(15));
        Assert.False(plan.IsUndone(45));
    }

    [Fact]
    public void Compute_GroupEndsInRollback_EverythingUndone()
    {
        // Group 1-1-27 of the chain differential test (seed 20261207): DELETE, SAVEPOINT sp2, ROLLBACK.
        var plan = SavepointPlan.Compute([Set("sp2", 408677), new SavepointStatement(TransactionEventRole.Rollback, "", 408748)], 406160);
        Assert.True(plan.IsUndone(408600));
        Assert.True(plan.IsUndone(408748));
        Assert.False(plan.IsUndone(408790));
    }
}
