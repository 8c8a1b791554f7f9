-- The sample sharded keyspace "commerce": the same schema on every shard, each shard holding the customers whose
-- keyspace id falls in its key range. The keyspace's primary vindex is `numeric` (docs/server.md), for which the
-- keyspace id of a customer is its customer_id as 8 big-endian bytes, so with two shards:
--   shard -80 (server_id 1) holds customer_id 0x0000000000000000 … 0x7FFFFFFFFFFFFFFF
--   shard 80- (server_id 2) holds customer_id 0x8000000000000000 … 0xFFFFFFFFFFFFFFFF
-- Written in the syntax MySQL 8.4 and MariaDB share (tests/VGate.Cli.Tests/DeployScriptTests.cs runs it on mariadbd).
CREATE DATABASE IF NOT EXISTS `commerce`;
USE `commerce`;

CREATE TABLE customer (
  customer_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  email VARCHAR(128) NOT NULL,
  visits INT NOT NULL DEFAULT 0,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
);

-- order_id from AUTO_INCREMENT, made unique across shards by the servers' auto_increment_offset/increment
-- (docker-compose.yml); orders live on their customer's shard.
CREATE TABLE corder (
  order_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT UNSIGNED NOT NULL,
  sku VARCHAR(32) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY (customer_id)
);

-- Ten customers in this shard's half of the key range: the first byte of the id is 0x00 on server 1, 0x80 on server 2.
INSERT INTO customer (customer_id, email)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
SELECT ((@@server_id - 1) << 63) | i, CONCAT('customer', i, '@shard', @@server_id, '.example') FROM n;

-- A small steady workload, so that a stream has something to show: once a second an order for one of the ten
-- customers and a visit counted on that customer (one transaction), and every 10 seconds a delete of up to 10 orders older
-- than the latest 200. Stop it with `ALTER EVENT commerce.workload DISABLE`.
DELIMITER //
CREATE EVENT workload ON SCHEDULE EVERY 1 SECOND DO
BEGIN
  DECLARE id BIGINT UNSIGNED DEFAULT ((@@server_id - 1) << 63) | (1 + FLOOR(RAND() * 10));
  START TRANSACTION;
  INSERT INTO corder (customer_id, sku, price) VALUES (id, CONCAT('SKU-', 1 + FLOOR(RAND() * 50)), ROUND(1 + RAND() * 99, 2));
  UPDATE customer SET visits = visits + 1 WHERE customer_id = id;
  COMMIT;
END//
CREATE EVENT trim_orders ON SCHEDULE EVERY 10 SECOND DO
BEGIN
  DECLARE newest BIGINT UNSIGNED DEFAULT (SELECT COALESCE(MAX(order_id), 0) FROM corder);
  DELETE FROM corder WHERE order_id + 200 < newest ORDER BY order_id LIMIT 10;
END//
DELIMITER ;
