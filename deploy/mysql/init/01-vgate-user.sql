-- The account VGate connects with, with exactly the privileges it uses (README.md "What the source needs"):
--   REPLICATION SLAVE   the binlog dump itself (COM_REGISTER_SLAVE, COM_BINLOG_DUMP_GTID)
--   REPLICATION CLIENT  SHOW BINARY LOGS (start and resume checks) and SHOW REPLICA STATUS (health of replica sources)
--   SELECT              the copy phase's rows, and information_schema's view of the tables (schema, FIELD events)
--   LOCK TABLES         MySQL's copy snapshot: a table is read-locked for the instant the GTID set is read
-- Not needed: RELOAD, SUPER, SHOW DATABASES, PROCESS, or any write privilege.
-- The password is the demo's (docker-compose.yml passes the same one to VGate); choose your own elsewhere.
CREATE USER 'vgate'@'%' IDENTIFIED BY 'vgate-password';
GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'vgate'@'%';
GRANT SELECT, LOCK TABLES ON `commerce`.* TO 'vgate'@'%';
