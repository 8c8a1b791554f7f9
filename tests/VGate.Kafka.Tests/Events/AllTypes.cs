namespace VGate.Kafka.Tests.Events;

/// <summary>A table with a column of every MariaDB type family and the statements that fill it.</summary>
internal static class AllTypes
{
    public const string CreateTable = """
        CREATE TABLE {db}.types (
          id INT NOT NULL PRIMARY KEY,
          c_tinyint TINYINT, c_tinyint_u TINYINT UNSIGNED, c_smallint SMALLINT, c_smallint_u SMALLINT UNSIGNED,
          c_mediumint MEDIUMINT, c_mediumint_u MEDIUMINT UNSIGNED, c_int INT, c_int_u INT UNSIGNED,
          c_bigint BIGINT, c_bigint_u BIGINT UNSIGNED, c_bool BOOL,
          c_float FLOAT, c_double DOUBLE, c_decimal DECIMAL(10,2), c_decimal_big DECIMAL(30,5),
          c_date DATE, c_time TIME, c_time6 TIME(6), c_datetime DATETIME, c_datetime3 DATETIME(3), c_datetime6 DATETIME(6),
          c_timestamp TIMESTAMP NULL, c_timestamp6 TIMESTAMP(6) NULL, c_year YEAR,
          c_char CHAR(5), c_varchar VARCHAR(50), c_text TEXT, c_latin1 VARCHAR(20) CHARACTER SET latin1,
          c_binary BINARY(4), c_varbinary VARBINARY(10), c_blob BLOB,
          c_bit1 BIT(1), c_bit10 BIT(10),
          c_enum ENUM('small','medium','large'), c_set SET('a','b','c'),
          c_json JSON, c_geometry GEOMETRY, c_point POINT,
          c_date_nn DATE NOT NULL DEFAULT '2000-01-01'
        )
        """;

    public const string InsertFull = """
        SET SESSION time_zone = '+00:00';
        INSERT INTO {db}.types VALUES (
          1,
          -128, 255, -32768, 65535,
          -8388608, 16777215, -2147483648, 4294967295,
          -9223372036854775808, 18446744073709551615, TRUE,
          1.5, -2.25e100, -12345678.91, 1234567890123456789012345.67891,
          '2024-02-29', '-838:59:59', '12:34:56.789012', '1999-12-31 23:59:59', '2000-01-01 00:00:00.123', '1969-07-20 20:17:40.654321',
          '2038-01-19 03:14:07', '2024-05-06 07:08:09.100000', 2155,
          'ab', 'héllo "quoted" \\ back', 'a\nb', 'café',
          X'01020000', X'DEADBEEF', X'00FF',
          b'1', b'1000000001',
          'medium', 'a,c',
          '{"k": [1, 2.5, "x"]}', ST_GeomFromText('LINESTRING(0 0, 1 2)'), ST_GeomFromText('POINT(3 4)', 4326),
          '2001-02-03'
        )
        """;

    public const string InsertNulls = """
        SET SESSION sql_mode = '';
        INSERT INTO {db}.types (id, c_date, c_datetime, c_date_nn) VALUES (2, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00')
        """;
}
