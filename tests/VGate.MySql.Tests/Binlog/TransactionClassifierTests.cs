using System.Buffers.Binary;
using System.Text;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog;

public sealed class TransactionClassifierTests
{
    private const string TxnFile = "mariadb/mariadb-10.11-txn.000004";

    // One line per event group of the captured file (TestData/mariadb/README.md has the SQL; the groups and the
    // statements in them are as `mariadb-binlog -vv` prints them): GTID sequence, then every role other than None.
    private static readonly string[] ExpectedMariaDbGroups =
    [
        "1: Standalone",                                                              // CREATE DATABASE (FL_STANDALONE)
        "2: Standalone",                                                              // CREATE TABLE t
        "3: Standalone",                                                              // CREATE TABLE m
        "4: Begin, Savepoint s1, Commit",                                             // InnoDB only: ROLLBACK TO/RELEASE not logged
        "5: Begin, Commit",                                                           // the MyISAM row of the next transaction, COMMIT query
        "6: Begin, Savepoint a, RollbackToSavepoint a, Commit",                       // t(43) logged but rolled back
        "7: Begin, Commit",
        "8: Begin, Savepoint a, Savepoint b, RollbackToSavepoint b, RollbackToSavepoint a, Commit", // nested
        "9: Begin, Commit",
        "10: Begin, Savepoint a, Savepoint b, RollbackToSavepoint b, Commit",
        "11: Begin, Commit",                                                          // CREATE … SELECT: FL_DDL, not standalone
        "12: Begin, Commit",                                                          // ROLLBACK with MyISAM: the MyISAM row, COMMIT
        "13: Begin, Commit",                                                          // statement-format INSERT, XID
        "14: Begin, Commit",                                                          // statement-format UPDATE + DELETE, XID
        "15: Begin, Commit",                                                          // statement-format MyISAM INSERT, COMMIT query
        "16: Begin, XaPrepare X'7831',X'',1",
        "17: XaCommit X'7831',X'',1",                                                 // FL_COMPLETED_XA | FL_STANDALONE
        "18: Begin, XaPrepare X'7832',X'',1",
        "19: XaRollback X'7832',X'',1",
        "20: Begin, Commit",                                                          // XA COMMIT … ONE PHASE: a normal transaction
        "21: Standalone",                                                             // CREATE TABLE d
        "22: Begin, Commit",
    ];

    [Fact]
    public void Classify_CapturedMariaDbGroups_RolesAsTheServerWroteThem()
    {
        var classifier = new TransactionClassifier();
        var groups = new List<string>();
        StringBuilder? current = null;
        TestData.ForEachEvent(TxnFile, ev =>
        {
            var role = classifier.Classify(ev);
            if (ev is MariaDbGtidEvent gtid)
            {
                if (current is not null)
                    groups.Add(current.ToString());
                current = new StringBuilder($"{gtid.Gtid.Sequence}:");
            }
            if (role == TransactionEventRole.None)
                return;
            var detail = role switch
            {
                TransactionEventRole.Savepoint or TransactionEventRole.RollbackToSavepoint or TransactionEventRole.ReleaseSavepoint => " " + classifier.SavepointName,
                TransactionEventRole.XaPrepare or TransactionEventRole.XaCommit or TransactionEventRole.XaRollback or TransactionEventRole.XaCommitOnePhase => " " + classifier.Xid,
                _ => "",
            };
            current!.Append(current.Length > 0 && current[^1] == ':' ? " " : ", ").Append(role).Append(detail);
        });
        groups.Add(current!.ToString());

        Assert.Equal(ExpectedMariaDbGroups, groups);
    }

    [Fact]
    public void Classify_CapturedMariaDb_EveryGroupEndsOnceAndRightBeforeTheNextGtid()
    {
        // Independent of the roles above: a group end is followed by the next GTID (or the end of the log), and each
        // GTID's group has exactly one end — so a position taken at a group end never splits a group.
        var classifier = new TransactionClassifier();
        var ends = 0;
        var gtids = 0;
        var lastWasEnd = true;
        TestData.ForEachEvent(TxnFile, ev =>
        {
            var role = classifier.Classify(ev);
            if (ev is MariaDbGtidEvent)
            {
                Assert.True(lastWasEnd, $"GTID {gtids + 1} arrived inside an unfinished group");
                gtids++;
                lastWasEnd = false;
            }
            else if (role.EndsGroup())
            {
                Assert.False(lastWasEnd, $"a second end in group {gtids}");
                ends++;
                lastWasEnd = true;
                Assert.False(classifier.InGroup);
            }
            else if (gtids > 0 && !lastWasEnd && ev is RowsEvent or TableMapEvent)
            {
                Assert.True(classifier.InGroup);
            }
        });
        Assert.Equal(22, gtids);
        Assert.Equal(gtids, ends);
    }

    [Fact]
    public void Classify_CapturedMariaDbCreateSelect_CreateIsInsideTheGroup()
    {
        var classifier = new TransactionClassifier();
        var roles = new List<(string What, TransactionEventRole Role)>();
        var inCtas = false;
        TestData.ForEachEvent(TxnFile, ev =>
        {
            var role = classifier.Classify(ev);
            if (ev is MariaDbGtidEvent gtid)
            {
                inCtas = gtid.Gtid.Sequence == 11;
                if (inCtas)
                {
                    Assert.True(gtid.IsDdl);
                    Assert.False(gtid.IsStandalone);
                }
            }
            if (inCtas)
                roles.Add((ev is QueryEvent q ? q.Query.Split('\n')[0] : ev.Type.ToString(), role));
        });
        Assert.Equal(
        [
            ("MariaDbGtid", TransactionEventRole.Begin),
            ("CREATE TABLE `c2` (", TransactionEventRole.None),
            ("MariaDbAnnotateRows", TransactionEventRole.None),
            ("TableMap", TransactionEventRole.None),
            ("WriteRowsV1", TransactionEventRole.None),
            ("Xid", TransactionEventRole.Commit),
        ], roles.Take(6).ToArray());
    }

    [Theory]
    [InlineData("BEGIN", TransactionEventRole.Begin)]
    [InlineData("COMMIT", TransactionEventRole.Commit)]
    [InlineData("ROLLBACK", TransactionEventRole.Rollback)]
    [InlineData("rollback work", TransactionEventRole.Rollback)]
    [InlineData("ROLLBACK TO `a`", TransactionEventRole.RollbackToSavepoint)]
    [InlineData("ROLLBACK WORK TO SAVEPOINT a", TransactionEventRole.RollbackToSavepoint)]
    [InlineData("SAVEPOINT `a`", TransactionEventRole.Savepoint)]
    [InlineData("RELEASE SAVEPOINT a", TransactionEventRole.ReleaseSavepoint)]
    [InlineData("XA START X'7831',X'',1", TransactionEventRole.Begin)]
    [InlineData("XA COMMIT X'7831',X'',1", TransactionEventRole.XaCommit)]
    [InlineData("XA COMMIT X'7831',X'',1 ONE PHASE", TransactionEventRole.XaCommitOnePhase)]
    [InlineData("XA ROLLBACK X'7831',X'',1", TransactionEventRole.XaRollback)]
    [InlineData("/* a comment */ COMMIT", TransactionEventRole.Commit)]
    [InlineData("COMMITTED_TABLE_DROP", TransactionEventRole.Standalone)]
    [InlineData("CREATE TABLE x (id INT)", TransactionEventRole.Standalone)]
    public void Classify_StatementOutsideAGroup_Role(string sql, TransactionEventRole expected)
    {
        var classifier = new TransactionClassifier();
        Assert.Equal(expected, classifier.Classify(MySqlEvents.Query(sql)));
    }

    [Theory]
    [InlineData("ROLLBACK TO `a`", "a")]
    [InlineData("ROLLBACK TO SAVEPOINT `we``ird`", "we`ird")]
    [InlineData("SAVEPOINT s_1", "s_1")]
    public void Classify_Savepoint_Name(string sql, string name)
    {
        var classifier = new TransactionClassifier();
        classifier.Classify(MySqlEvents.Query("BEGIN"));
        Assert.NotEqual(TransactionEventRole.None, classifier.Classify(MySqlEvents.Query(sql)));
        Assert.Equal(name, classifier.SavepointName);
        Assert.True(classifier.InGroup);
    }

    // The MySQL groups below are hand-built per the MySQL binlog format (GTID_LOG_EVENT, QUERY_EVENT, XID_EVENT,
    // XA_PREPARE_LOG_EVENT bodies as in libbinlogevents); no captured MySQL binlog holds these forms.
    [Fact]
    public void Classify_MySqlAtomicCreateSelect_HandBuilt_OneGroupEndingAtXid()
    {
        var classifier = new TransactionClassifier();
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        TransactionEventRole Next(byte[] bytes) => classifier.Classify(parser.Parse(bytes));

        Assert.Equal(TransactionEventRole.None, Next(MySqlEvents.Gtid(7)));
        Assert.Equal(TransactionEventRole.Begin, Next(MySqlEvents.QueryBytes("BEGIN")));
        Assert.Equal(TransactionEventRole.None, Next(MySqlEvents.QueryBytes("CREATE TABLE `c2` (\n  `id` int NOT NULL\n) START TRANSACTION")));
        Assert.True(classifier.InGroup);
        Assert.Equal(TransactionEventRole.Commit, Next(MySqlEvents.Xid(99)));
        Assert.False(classifier.InGroup);
    }

    [Fact]
    public void Classify_MySqlXaTwoPhase_HandBuilt_PrepareThenCommitGroup()
    {
        var classifier = new TransactionClassifier();
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        TransactionEventRole Next(byte[] bytes) => classifier.Classify(parser.Parse(bytes));

        Assert.Equal(TransactionEventRole.None, Next(MySqlEvents.Gtid(8)));
        Assert.Equal(TransactionEventRole.Begin, Next(MySqlEvents.QueryBytes("XA START X'7831',X'',1")));
        Assert.Equal(TransactionEventRole.None, Next(MySqlEvents.QueryBytes("XA END X'7831',X'',1")));
        Assert.Equal(TransactionEventRole.XaPrepare, Next(MySqlEvents.XaPrepare(onePhase: false, "x1")));
        Assert.Equal("X'7831',X'',1", classifier.Xid?.ToString());
        Assert.False(classifier.InGroup);

        Assert.Equal(TransactionEventRole.None, Next(MySqlEvents.Gtid(9)));
        Assert.Equal(TransactionEventRole.XaCommit, Next(MySqlEvents.QueryBytes("XA COMMIT X'7831',X'',1")));
        Assert.Equal("X'7831',X'',1", classifier.Xid?.ToString());

        Assert.Equal(TransactionEventRole.None, Next(MySqlEvents.Gtid(10)));
        Assert.Equal(TransactionEventRole.XaRollback, Next(MySqlEvents.QueryBytes("XA ROLLBACK X'7832',X'',1")));
        Assert.Equal("X'7832',X'',1", classifier.Xid?.ToString());
    }

    [Fact]
    public void Classify_MySqlXaOnePhase_HandBuilt_Commit()
    {
        var classifier = new TransactionClassifier();
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        TransactionEventRole Next(byte[] bytes) => classifier.Classify(parser.Parse(bytes));

        Next(MySqlEvents.Gtid(11));
        Assert.Equal(TransactionEventRole.Begin, Next(MySqlEvents.QueryBytes("XA START X'7833',X'',1")));
        Next(MySqlEvents.QueryBytes("XA END X'7833',X'',1"));
        Assert.Equal(TransactionEventRole.XaCommitOnePhase, Next(MySqlEvents.XaPrepare(onePhase: true, "x3")));
        Assert.True(TransactionEventRole.XaCommitOnePhase.EndsGroup());
    }

    [Fact]
    public void Classify_MySqlDdlAndSavepointRollback_HandBuilt()
    {
        var classifier = new TransactionClassifier();
        var parser = TestData.MySql8Parser(ChecksumAlgorithm.None);
        TransactionEventRole Next(byte[] bytes) => classifier.Classify(parser.Parse(bytes));

        Next(MySqlEvents.Gtid(12));
        Assert.Equal(TransactionEventRole.Standalone, Next(MySqlEvents.QueryBytes("ALTER TABLE t ADD COLUMN x INT")));
        Next(MySqlEvents.Gtid(13));
        Assert.Equal(TransactionEventRole.Begin, Next(MySqlEvents.QueryBytes("BEGIN")));
        Assert.Equal(TransactionEventRole.Savepoint, Next(MySqlEvents.QueryBytes("SAVEPOINT `a`")));
        Assert.Equal(TransactionEventRole.RollbackToSavepoint, Next(MySqlEvents.QueryBytes("ROLLBACK TO `a`")));
        Assert.True(classifier.InGroup);
        Assert.Equal(TransactionEventRole.Commit, Next(MySqlEvents.QueryBytes("COMMIT")));
    }

    [Fact]
    public void Classify_MySqlCompressedPayload_ExpandedEventsOrThePayloadEndTheGroup()
    {
        // Captured MySQL 8.0.32 bytes (tests/TestData/mysql/PROVENANCE.md): GTID, then a payload of QUERY BEGIN, TABLE_MAP,
        // WRITE_ROWS, XID.
        var expanded = new TransactionClassifier();
        var whole = new TransactionClassifier();
        var expandedRoles = new List<TransactionEventRole>();
        var wholeRoles = new List<TransactionEventRole>();
        TestData.ForEachEvent("mysql/rust_mysql_common/transaction_compression.000001", ev =>
        {
            wholeRoles.Add(whole.Classify(ev));
            if (ev is TransactionPayloadEvent payload)
            {
                foreach (var inner in payload.ReadEvents())
                    expandedRoles.Add(expanded.Classify(inner));
            }
            else
            {
                expandedRoles.Add(expanded.Classify(ev));
            }
        });
        Assert.Equal(1, wholeRoles.Count(r => r.EndsGroup()));
        Assert.Equal(TransactionEventRole.Commit, wholeRoles.Single(r => r.EndsGroup()));
        Assert.Equal([TransactionEventRole.Begin, TransactionEventRole.Commit], expandedRoles.Where(r => r != TransactionEventRole.None));
    }

    /// <summary>Hand-built MySQL 8 events (no checksum), per the MySQL binlog format.</summary>
    private static class MySqlEvents
    {
        public static QueryEvent Query(string sql) => (QueryEvent)TestData.MySql8Parser(ChecksumAlgorithm.None).Parse(QueryBytes(sql));

        /// <summary>QUERY_EVENT: thread id, exec time, db length, error code, status-vars length (0), db, NUL, query.</summary>
        public static byte[] QueryBytes(string sql, string database = "db")
        {
            var body = new List<byte>();
            body.AddRange(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, (byte)database.Length, 0, 0, 0, 0 });
            body.AddRange(Encoding.UTF8.GetBytes(database));
            body.Add(0);
            body.AddRange(Encoding.UTF8.GetBytes(sql));
            return TestData.BuildEvent(EventType.Query, body.ToArray(), crc: false);
        }

        /// <summary>GTID_LOG_EVENT: flags, source UUID, GNO, logical-clock type 2, last_committed, sequence_number.</summary>
        public static byte[] Gtid(long gno)
        {
            var body = new byte[1 + 16 + 8 + 1 + 8 + 8];
            body[0] = 1;
            Guid.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562").TryWriteBytes(body.AsSpan(1), bigEndian: true, out _);
            BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(17), gno);
            body[25] = 2;
            BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(26), gno - 1);
            BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(34), gno);
            return TestData.BuildEvent(EventType.Gtid, body, crc: false);
        }

        public static byte[] Xid(ulong xid)
        {
            var body = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(body, xid);
            return TestData.BuildEvent(EventType.Xid, body, crc: false);
        }

        /// <summary>XA_PREPARE_LOG_EVENT: one_phase, format id, gtrid length, bqual length, gtrid + bqual.</summary>
        public static byte[] XaPrepare(bool onePhase, string gtrid)
        {
            var data = Encoding.ASCII.GetBytes(gtrid);
            var body = new byte[1 + 4 + 4 + 4 + data.Length];
            body[0] = onePhase ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(1), 1);
            BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(5), data.Length);
            BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(9), 0);
            data.CopyTo(body, 13);
            return TestData.BuildEvent(EventType.XaPrepare, body, crc: false);
        }
    }
}
