using System.Globalization;
using System.Text;
using System.Text.Json;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Kafka.Positions;
using VGate.Kafka.Sink;
using VGate.Kafka.Tests.Framework;
using VGate.Testing;
using VGate.Testing.Differential;

namespace VGate.EndToEnd.Tests.Differential;

/// <summary>
/// Judge c: the Kafka sink (in process, transactional, payload-only JSON, the default mapping (DECIMAL as strings, FLOAT
/// as double, big-endian BIT bytes) with spatial columns as bytes (<c>include.unknown.datatypes</c>), default time precision;
/// librdkafka's mock cluster, or the broker in <c>VGATE_TEST_KAFKA</c>) reads the workload from a real gateway and
/// writes it to librdkafka's mock cluster; every record is read back, each change must be there exactly once (by its
/// position headers), and replaying the Debezium records (<c>before</c>/<c>after</c>, op c/u/d, in GTID and index
/// order) must give the SELECT contents, under the mapping docs/kafka-events.md documents (zero dates become null).
/// </summary>
/// <remarks>
/// Table <c>charsets</c> is judged too: its ucs2/utf16/utf32/cp1251/latin1 columns are decoded from their own
/// character sets (docs/kafka-events.md, CHAR/VARCHAR/TEXT) and mapped back to those bytes here. With the
/// <c>statement</c> feature the sink runs with <c>SkipStatementDml</c> (a statement has no row images to write; by
/// default the sink stops at it, which KafkaSinkTransactionFormsTests covers) and the judge leaves out the tables a
/// STATEMENT-format session writes (<see cref="ChainWorkload.StatementTables"/>): their Kafka contents miss those
/// statements by design.
/// </remarks>
internal static class KafkaJudge
{
    private const int Partitions = 4;

    /// <summary>
    /// The mock cluster keeps at most 100,000 records and 5 MiB per partition (it drops older ones, which
    /// <see cref="AssertNothingDropped"/> detects): bigger workloads get more partitions.
    /// </summary>
    private static int PartitionsOf(ChainWorkload workload, string table) =>
        table switch
        {
            "big" => Math.Max(Partitions, workload.Features.LargeTransactionRows / 10_000),
            // Values of up to 100 KB, written as base64 JSON, before and after.
            "lobs" => Math.Max(Partitions, workload.Workload.Transactions.Count / 8),
            _ => Math.Max(Partitions, workload.Workload.Transactions.Count / 40),
        };

    public static async Task<string> RunAsync(ChainWorkload workload, Action<string> log, CancellationToken cancellationToken)
    {
        var judge = workload.Judge("Kafka sink");
        await using var gateway = await GatewayHost.StartAsync(workload.GatewaySettings());
        // librdkafka's mock cluster, or the real broker in VGATE_TEST_KAFKA.
        using var kafka = new KafkaTestCluster();
        var prefix = "d" + Guid.NewGuid().ToString("N")[..8];
        string[] excluded = [.. workload.StatementTables];
        var tables = workload.Snapshot.Tables.Keys.Where(t => !excluded.Contains(t)).ToList();
        // Created ahead: the mock cluster has no CreateTopics API.
        kafka.CreateTopic(prefix + "-offsets", 1, compacted: true);
        var topics = tables.Select(t => $"{prefix}.{ChainWorkload.Keyspace}.{t}").ToList();
        foreach (var table in tables)
            kafka.CreateTopic($"{prefix}.{ChainWorkload.Keyspace}.{table}", PartitionsOf(workload, table));

        var options = new KafkaSinkOptions
        {
            Gateway = gateway.Address,
            Keyspace = ChainWorkload.Keyspace,
            From = $"[{{\"keyspace\":\"{ChainWorkload.Keyspace}\",\"shard\":\"0\",\"gtid\":\"{workload.Start}\"}}]",
            TopicPrefix = prefix,
            BootstrapServers = kafka.BootstrapServers,
            OffsetsTopic = prefix + "-offsets",
            Transactional = true,
            SchemasEnabled = false,
            DecimalHandling = "String",
            BigIntUnsignedHandling = "String",
            // Spatial columns are left out by default, as in the Vitess connector; as bytes they can be judged.
            IncludeUnknownDatatypes = true,
            StatusIntervalSeconds = 0,
            ReconnectInitialDelayMs = 20,
            KafkaTimeoutMs = 20_000,
            MaxBatchDelayMs = 20,
            LingerMs = 1,
            SkipStatementDml = workload.Features.StatementFormat,
        };
        foreach (var table in excluded)
            options.TableExcludeList.Add($"{ChainWorkload.Keyspace}\\.{table}");
        var end = Positions.Sequence(workload.End)!.Value;
        var sink = new KafkaSink(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Task.Run(() => sink.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(
                () =>
                {
                    if (running.IsCompleted)
                        running.GetAwaiter().GetResult();
                    return Task.FromResult(sink.LastCheckpoint);
                },
                c => c is not null && c.Vgtid.ShardGtids.Any(g => Positions.Sequence(g.Gtid) >= end),
                TimeSpan.FromMinutes(5 + workload.Features.LargeTransactionRows / 50_000),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{judge}: the sink did not reach {workload.End} (last checkpoint {sink.LastCheckpoint?.Vgtid}): {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // Stopped by the test.
            }
        }

        var records = TopicReader.ReadAll(kafka.BootstrapServers, topics);
        if (kafka.IsMock)
            AssertNothingDropped(judge, kafka.BootstrapServers, tables.ToDictionary(t => $"{prefix}.{ChainWorkload.Keyspace}.{t}", t => PartitionsOf(workload, t)));
        var identities = records.Where(r => r.Value is not null)
            .GroupBy(r => (r.Header(PositionHeaders.Gtid), r.Header(PositionHeaders.Index), r.Header(PositionHeaders.Kind)))
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (identities.Count > 0)
            throw new Xunit.Sdk.XunitException($"{judge}: {identities.Count} change(s) are in Kafka more than once, first {identities[0]}");

        var expected = workload.Snapshot.Without(excluded).Map(DebeziumMapping);
        var replica = new Replica(expected);
        var ordered = records.Where(r => r.Value is not null)
            .OrderBy(r => Positions.Sequence(r.Header(PositionHeaders.Gtid)!))
            .ThenBy(r => int.Parse(r.Header(PositionHeaders.Index)!, CultureInfo.InvariantCulture))
            .ToList();
        foreach (var record in ordered)
        {
            var table = record.Topic[(prefix.Length + ChainWorkload.Keyspace.Length + 2)..];
            var columns = expected.Tables[table];
            var payload = record.Payload;
            var origin = $"record {record.Topic}/{record.Partition}@{record.Offset} ({record.Op}, index {record.Header(PositionHeaders.Index)} of transaction {workload.Describe(record.Header(PositionHeaders.Gtid)!)})";
            var before = Image(columns, payload, "before", origin);
            var after = Image(columns, payload, "after", origin);
            replica.Apply(new ReplayChange(table, record.Op == "c" || record.Op == "r" ? null : before, record.Op == "d" ? null : after, origin));
        }

        replica.AssertMatches(expected, judge, workload.Workload.AddedColumnDefaults);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{judge}: {records.Count} records ({records.Count(r => r.Value is null)} tombstones) in {topics.Count} topics, {replica.Applied} changes replayed = SELECT (without {string.Join(", ", excluded)})");
        log(summary);
        return summary;
    }

    /// <summary>The mock cluster keeps a limited number of records per partition: a dropped one would look like a lost change.</summary>
    private static void AssertNothingDropped(string judge, string bootstrapServers, Dictionary<string, int> topics)
    {
        using var probe = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(new Confluent.Kafka.ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "probe-" + Guid.NewGuid().ToString("N") }).Build();
        foreach (var (topic, partitions) in topics)
        {
            for (var partition = 0; partition < partitions; partition++)
            {
                var low = probe.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).Low.Value;
                if (low != 0)
                    throw new Xunit.Sdk.XunitException($"{judge}: the mock cluster dropped records of {topic}/{partition} (low watermark {low}): it keeps 5 MiB per partition; run a large workload against a real broker (VGATE_TEST_KAFKA)");
            }
        }
    }

    /// <summary>What docs/kafka-events.md says a SELECT value becomes: zero dates are null in a nullable column, the epoch otherwise.</summary>
    private static string? DebeziumMapping(SnapshotColumn column, string? value)
    {
        if (value is null || column.DataType is not ("date" or "datetime" or "timestamp") || !value.StartsWith("0000-00-00", StringComparison.Ordinal))
            return value;
        if (column.Nullable)
            return null;
        return column.DataType == "date" ? "1970-01-01" : "1970-01-01 00:00:00" + value["0000-00-00 00:00:00".Length..];
    }

    private static Dictionary<string, string?>? Image(SnapshotTable table, JsonElement payload, string name, string origin)
    {
        if (!payload.TryGetProperty(name, out var image) || image.ValueKind == JsonValueKind.Null)
            return null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in image.EnumerateObject())
        {
            // Columns dropped since (not in the final schema) cannot be judged against SELECT.
            var column = table.Columns.FirstOrDefault(c => c.Name == property.Name);
            if (column is null)
                continue;
            try
            {
                values[property.Name] = Canonical(column, property.Value);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException)
            {
                throw new Xunit.Sdk.XunitException($"{origin}: column {column.Name} ({column.ColumnType}) has {property.Value.GetRawText()}: {ex.Message}");
            }
        }

        return values;
    }

    private static int Fsp(SnapshotColumn column) =>
        column.ColumnType.IndexOf('(', StringComparison.Ordinal) is var open and >= 0 ? int.Parse(column.ColumnType[(open + 1)..column.ColumnType.IndexOf(')', StringComparison.Ordinal)], CultureInfo.InvariantCulture) : 0;

    private static string Fraction(long micros, int fsp) =>
        fsp == 0 ? "" : "." + (micros % 1_000_000).ToString("000000", CultureInfo.InvariantCulture)[..fsp];

    private static string Time(long micros, int fsp)
    {
        var sign = micros < 0 ? "-" : "";
        var magnitude = Math.Abs(micros);
        var seconds = magnitude / 1_000_000;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}") + Fraction(magnitude, fsp);
    }

    private static string DateTimeText(long micros, int fsp)
    {
        var floor = Math.DivRem(micros, 1_000_000L, out var rest);
        if (rest < 0)
        {
            floor--;
            rest += 1_000_000;
        }

        return DateTime.UnixEpoch.AddSeconds(floor).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(rest, fsp);
    }

    /// <summary>A Debezium JSON value (docs/kafka-events.md, with the options above) in <see cref="CanonicalValue"/> form.</summary>
    private static string? Canonical(SnapshotColumn column, JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null)
            return null;
        switch (column.Kind)
        {
            case CanonicalKind.Year:
                return CanonicalValue.Year(json.GetRawText());
            case CanonicalKind.Float:
                return CanonicalValue.Float(json.GetRawText());
            case CanonicalKind.Double:
                return CanonicalValue.Double(json.GetRawText());
            case CanonicalKind.Bit:
                if (json.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    return json.GetBoolean() ? "1" : "0";
                // io.debezium.data.Bits as the Vitess connector writes them: VStream's big-endian bytes.
                return CanonicalValue.BitBigEndian(Convert.FromBase64String(json.GetString()!));
            case CanonicalKind.Text:
                return column.DataType switch
                {
                    // io.debezium.time.Date: days since 1970-01-01.
                    "date" => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + json.GetInt32()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    // io.debezium.time.MicroTime: signed microseconds.
                    "time" => Time(json.GetInt64(), Fsp(column)),
                    // io.debezium.time.Timestamp (fsp 0-3, milliseconds) or MicroTimestamp (4-6, microseconds), read as UTC.
                    "datetime" => DateTimeText(Fsp(column) <= 3 ? json.GetInt64() * 1000 : json.GetInt64(), Fsp(column)),
                    // io.debezium.time.ZonedTimestamp: ISO-8601 UTC with the column's digits.
                    "timestamp" => json.GetString()!.Replace('T', ' ').TrimEnd('Z'),
                    _ => json.ValueKind == JsonValueKind.String ? json.GetString()! : json.GetRawText(),
                };
            default:
                if (json.ValueKind == JsonValueKind.Object)
                {
                    // GEOMETRY: {wkb, srid} back to MariaDB's internal form, a little-endian SRID then WKB.
                    var wkb = Convert.FromBase64String(json.GetProperty("wkb").GetString()!);
                    var srid = json.GetProperty("srid").ValueKind == JsonValueKind.Null ? 0 : json.GetProperty("srid").GetInt32();
                    return CanonicalValue.Bytes([.. BitConverter.GetBytes(srid), .. wkb]);
                }

                var value = json.GetString()!;
                return CanonicalValue.Bytes(column.Charset switch
                {
                    null or "binary" => Convert.FromBase64String(value),
                    // docs/kafka-events.md: latin1 is decoded as MySQL reads it, Windows-1252 with 0x81, 0x8D, 0x8F, 0x90
                    // and 0x9D as the C1 controls of the same number.
                    "latin1" => MySqlLatin1Bytes(value),
                    // docs/kafka-events.md: other sets are decoded from their own bytes (ucs2/utf16/utf32 big-endian).
                    "ucs2" or "utf16" => new UnicodeEncoding(bigEndian: true, byteOrderMark: false).GetBytes(value),
                    "utf32" => new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(value),
                    "cp1251" => CodePagesEncodingProvider.Instance.GetEncoding(1251)!.GetBytes(value),
                    _ => Encoding.UTF8.GetBytes(value),
                });
        }
    }

    /// <summary>The MySQL latin1 bytes of a string the sink decoded (every character is one byte).</summary>
    private static byte[] MySqlLatin1Bytes(string value)
    {
        var cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var bytes = new byte[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            bytes[i] = c is '\u0081' or '\u008D' or '\u008F' or '\u0090' or '\u009D' || (c <= '\u00FF' && c is not (>= '\u0080' and <= '\u009F'))
                ? (byte)c
                : cp1252.GetBytes([c]).Single();
        }
        return bytes;
    }
}
