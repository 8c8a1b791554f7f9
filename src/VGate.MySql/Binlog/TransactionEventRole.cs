namespace VGate.MySql.Binlog;

/// <summary>
/// What one binlog event does to the transaction structure of the log, as <see cref="TransactionClassifier"/> decides
/// it. An <em>event group</em> is what the server writes for one GTID: a transaction, a standalone statement, or one
/// half of an XA transaction. A position is only ever reported after an event whose role ends a group
/// (<see cref="TransactionEventRoles.EndsGroup"/>).
/// </summary>
public enum TransactionEventRole
{
    /// <summary>
    /// No boundary: rows, table maps, GTID events of MySQL (the group opens at BEGIN / XA START), statements inside a
    /// group (the CREATE of a CREATE … SELECT, statement-format DML, XA END), and events outside any group.
    /// </summary>
    None = 0,

    /// <summary>Opens a group: a MariaDB GTID that is not standalone, or a BEGIN / XA START query.</summary>
    Begin,

    /// <summary><c>SAVEPOINT x</c> inside a group (<see cref="TransactionClassifier.SavepointName"/>).</summary>
    Savepoint,

    /// <summary>
    /// <c>ROLLBACK TO x</c> inside a group: the changes logged since <c>SAVEPOINT x</c> were undone on the source (the
    /// server logs them and this when a non-transactional table was changed after the savepoint). Not a group end.
    /// </summary>
    RollbackToSavepoint,

    /// <summary><c>RELEASE SAVEPOINT x</c> inside a group (the servers do not write it today; recognised all the same).</summary>
    ReleaseSavepoint,

    /// <summary>Ends a group by commit: XID, or a COMMIT query (non-transactional engines).</summary>
    Commit,

    /// <summary>Ends a group by a real ROLLBACK query (never <c>ROLLBACK TO</c>): the group's transactional changes did not happen.</summary>
    Rollback,

    /// <summary>
    /// Ends a group by XA PREPARE (two-phase): its changes are prepared, not committed; a later group
    /// (<see cref="XaCommit"/> or <see cref="XaRollback"/>) with the same <see cref="TransactionClassifier.Xid"/> decides.
    /// </summary>
    XaPrepare,

    /// <summary>Ends a group by <c>XA COMMIT … ONE PHASE</c> (MySQL's XA_PREPARE with one_phase set): a commit.</summary>
    XaCommitOnePhase,

    /// <summary>Ends a group of its own that commits an earlier prepared XA transaction (<see cref="TransactionClassifier.Xid"/>).</summary>
    XaCommit,

    /// <summary>Ends a group of its own that rolls back an earlier prepared XA transaction (<see cref="TransactionClassifier.Xid"/>).</summary>
    XaRollback,

    /// <summary>A statement that is a group of its own (DDL, or any other statement outside BEGIN … COMMIT): begins and ends it.</summary>
    Standalone,
}

/// <summary>Helpers for <see cref="TransactionEventRole"/>.</summary>
public static class TransactionEventRoles
{
    /// <summary>True when an event with this role ends an event group (the position moves past the group there).</summary>
    public static bool EndsGroup(this TransactionEventRole role) => role >= TransactionEventRole.Commit;
}
