-- The account VGate connects with on MariaDB (10.5 and later), with exactly the privileges it uses
-- (README.md "What the source needs"; tests/VGate.Cli.Tests/DeployScriptTests.cs checks them on mariadbd):
--   REPLICATION SLAVE  the binlog dump itself (COM_REGISTER_SLAVE, COM_BINLOG_DUMP)
--   BINLOG MONITOR     SHOW BINARY LOGS (start and resume checks); REPLICATION CLIENT is its old name
--   SLAVE MONITOR      SHOW ALL SLAVES STATUS, the health check of sources with Role Replica or Rdonly
--                      (a primary-only topology does not need it)
--   SELECT             the copy phase's rows, and information_schema's view of the tables (schema, FIELD events)
-- MariaDB's copy snapshot needs no table lock (START TRANSACTION WITH CONSISTENT SNAPSHOT reports its binlog position).
-- Replace the password and the database name (`commerce`) with yours; repeat the last line for every database.
CREATE USER 'vgate'@'%' IDENTIFIED BY 'vgate-password';
GRANT REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'vgate'@'%';
GRANT SELECT ON `commerce`.* TO 'vgate'@'%';
