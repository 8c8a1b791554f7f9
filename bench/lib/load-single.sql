-- Inserts rows [first, first+count) into bench's t10, one prepared single-row INSERT per row, committing every `batch`
-- rows: one TABLE_MAP and one single-row WRITE_ROWS event per row (the OLTP shape). Used by bench/lib/throwaway-mariadb.sh
-- and by VGate.LoadHarness (embedded); the whole file is one statement.
CREATE PROCEDURE load_single(first INT, count INT, batch INT)
BEGIN
    -- A prepared INSERT with literal values, as a client would send it: the ANNOTATE_ROWS event then carries a
    -- realistic ~250-byte statement (a procedure's own INSERT would be logged with NAME_CONST() wrappers).
    DECLARE i INT DEFAULT first;
    DECLARE last INT DEFAULT first + count;
    PREPARE ins FROM 'INSERT INTO t10 (id, big, name, amount, created, ratio, flag, code, day, counter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    START TRANSACTION;
    WHILE i < last DO
        SET @id = i, @big = i * 1000003, @name = CONCAT('customer-name-', i), @amount = (i % 100000) / 100 + 0.25,
            @created = TIMESTAMP('2026-11-25 09:00:00') + INTERVAL i SECOND + INTERVAL (i % 1000000) MICROSECOND,
            @ratio = i / 7, @flag = i % 128, @code = CONCAT('C', LPAD(i % 10000000, 7, '0')),
            @day = DATE('2026-01-01') + INTERVAL (i % 3650) DAY, @counter = i * 3;
        EXECUTE ins USING @id, @big, @name, @amount, @created, @ratio, @flag, @code, @day, @counter;
        SET i = i + 1;
        IF (i - first) % batch = 0 THEN
            COMMIT;
            START TRANSACTION;
        END IF;
    END WHILE;
    COMMIT;
    DEALLOCATE PREPARE ins;
END
