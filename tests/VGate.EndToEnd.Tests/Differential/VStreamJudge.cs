using System.Globalization;
using System.Text;
using Binlogdata;
using Query;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing.Differential;
using Vtgate;

namespace VGate.EndToEnd.Tests.Differential;

/// <summary>
/// Judge b: a VStream client of a real gateway (Kestrel on localhost, the generated gRPC client) reads the workload from
/// its start position, disconnecting at random points and resuming from the VGTID of the last unit it finished,
/// sometimes pausing (a slow consumer), with or without <c>transaction_chunk_size</c>. Every event goes through
/// <see cref="StreamChecker"/> (grammar, one shard per transaction, VGTIDs); each committed transaction's row changes
/// are replayed into a <see cref="Replica"/>, which must equal SELECT. No transaction may arrive twice. With the
/// <c>statement</c> feature, the tables a STATEMENT-format session writes are replayed with SQL instead, statements
/// and row images in delivery order, into a <see cref="StatementMirror"/>, which must equal SELECT too.
/// </summary>
internal static class VStreamJudge
{
    public static async Task<string> RunAsync(ChainWorkload workload, long chunkSize, Random random, Action<string> log, CancellationToken cancellationToken)
    {
        var judge = workload.Judge(chunkSize > 0 ? $"VStream (transaction_chunk_size {chunkSize})" : "VStream");
        await using var gateway = await GatewayHost.StartAsync(workload.GatewaySettings());
        var end = Positions.Sequence(workload.End)!.Value;
        await using var mirror = await StatementMirror.CreateAsync(workload.Server, workload.Snapshot, workload.StatementTables, cancellationToken);
        var replica = new Replica(workload.Snapshot.Without([.. mirror.Tables]));
        var resume = new VGtid();
        resume.ShardGtids.Add(new ShardGtid { Keyspace = ChainWorkload.Keyspace, Shard = "0", Gtid = workload.Start });
        var delivered = new Dictionary<string, int>(StringComparer.Ordinal);
        var fields = new Dictionary<string, IReadOnlyList<Field>>(StringComparer.Ordinal);
        var (rounds, cuts, pauses, events, transactions, spread) = (0, 0, 0, 0L, 0, 0);
        while (true)
        {
            rounds++;
            // Disconnect at a random event in the first rounds, then read to the end.
            var stopAfter = rounds <= 8 ? random.Next(1, 400) : long.MaxValue;
            var checker = new StreamChecker(ChainWorkload.Keyspace, resume.ShardGtids) { KeepRows = false };
            var request = new VStreamRequest
            {
                TabletType = Topodata.TabletType.Primary,
                Vgtid = resume.Clone(),
                Flags = new VStreamFlags { TransactionChunkSize = chunkSize },
            };
            // Row changes (ReplayChange) and statements (string), in the order they came.
            List<object>? open = null;
            var finished = false;
            using (var call = gateway.Client.VStream(request, cancellationToken: cancellationToken))
            {
                while (!finished)
                {
                    if (!await call.ResponseStream.MoveNext(cancellationToken))
                        throw new Xunit.Sdk.XunitException($"{judge}: the stream ended after {checker.Events} events of round {rounds}");
                    checker.OnResponse();
                    if (random.Next(25) == 0)
                    {
                        // A slow consumer: the gateway must hold back, not drop or repeat.
                        pauses++;
                        await Task.Delay(random.Next(20, 150), cancellationToken);
                    }

                    foreach (var e in call.ResponseStream.Current.Events)
                    {
                        checker.Add(e);
                        events++;
                        switch (e.Type)
                        {
                            case VEventType.Begin:
                                open = [];
                                break;
                            case VEventType.Field:
                                fields[Bare(e.FieldEvent.TableName)] = [.. e.FieldEvent.Fields];
                                break;
                            case VEventType.Row:
                                var table = Bare(e.RowEvent.TableName);
                                foreach (var change in e.RowEvent.RowChanges)
                                    open!.Add(new ReplayChange(table, Decode(fields[table], change.Before), Decode(fields[table], change.After), ""));
                                break;
                            case VEventType.Insert or VEventType.Update or VEventType.Delete or VEventType.Replace:
                                open!.Add(e.Dml);
                                break;
                            case VEventType.Commit:
                                var unit = checker.Transactions[^1];
                                delivered[unit.Position] = delivered.GetValueOrDefault(unit.Position) + 1;
                                transactions++;
                                var origin = workload.Describe(unit.Position);
                                for (var i = 0; i < open!.Count; i++)
                                {
                                    var where = string.Create(CultureInfo.InvariantCulture, $"change {i + 1} of {open.Count} of transaction {origin}");
                                    if (open[i] is string statement)
                                        await mirror.ExecuteAsync(statement, where, cancellationToken);
                                    else if (open[i] is ReplayChange change && mirror.Tables.Contains(change.Table))
                                        await mirror.ApplyAsync(change with { Origin = where }, cancellationToken);
                                    else
                                        replica.Apply((ReplayChange)open[i] with { Origin = where });
                                }

                                open = null;
                                break;
                        }

                        if (!checker.InTransaction && Positions.Sequence(checker.PositionOf("0")) >= end)
                        {
                            finished = true;
                            break;
                        }

                        if (checker.Events >= stopAfter)
                            break;
                    }

                    if (checker.Events >= stopAfter)
                        break;
                }
            }

            if (checker.InTransaction)
                cuts++;
            spread = Math.Max(spread, checker.Transactions.Select(t => t.Responses).DefaultIfEmpty(0).Max());
            checker.AbandonOpenTransaction();
            resume = checker.ResumeVgtid ?? resume;
            if (finished)
                break;
        }

        var twice = delivered.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        if (twice.Count > 0)
            throw new Xunit.Sdk.XunitException($"{judge}: {twice.Count} transaction(s) delivered more than once across reconnects, first {twice[0]}");
        replica.AssertMatches(workload.Snapshot.Without([.. mirror.Tables]), judge, workload.Workload.AddedColumnDefaults);
        await mirror.AssertMatchesAsync(workload.Snapshot, judge, cancellationToken);
        if (workload.Features.StatementFormat && mirror.Statements == 0)
            throw new Xunit.Sdk.XunitException($"{judge}: the workload ran STATEMENT-format transactions, the stream delivered no statement");
        if (chunkSize > 0 && spread < 2)
            throw new Xunit.Sdk.XunitException($"{judge}: no transaction was sent in more than one response; the chunking was not tested");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{judge}: {rounds} connections ({cuts} cut mid-transaction), {pauses} pauses, {events} events, {transactions} transactions (up to {spread} responses each), {replica.Applied} row changes replayed = SELECT");
        if (mirror.Tables.Count > 0)
            summary += string.Create(CultureInfo.InvariantCulture, $", {mirror.Statements} statements and {mirror.RowChanges} row changes applied with SQL = SELECT");
        log(summary);
        return summary;
    }

    private static string Bare(string table) => table[(table.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>A VStream row image (Vitess text encoding, vstream-spec §2.9) in canonical form, by the FIELD's types.</summary>
    private static Dictionary<string, string?>? Decode(IReadOnlyList<Field> fields, Row? row)
    {
        if (row is null)
            return null;
        if (row.Lengths.Count != fields.Count)
            throw new Xunit.Sdk.XunitException($"a row has {row.Lengths.Count} values, its FIELD {fields.Count} columns");
        var values = row.Values.Span;
        var decoded = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
        var at = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            var length = (int)row.Lengths[i];
            if (length < 0)
            {
                decoded[fields[i].Name] = null;
                continue;
            }

            var bytes = values.Slice(at, length);
            at += length;
            decoded[fields[i].Name] = fields[i].Type switch
            {
                Query.Type.Float32 => CanonicalValue.Float(Encoding.UTF8.GetString(bytes)),
                Query.Type.Float64 => CanonicalValue.Double(Encoding.UTF8.GetString(bytes)),
                Query.Type.Year => CanonicalValue.Year(Encoding.UTF8.GetString(bytes)),
                Query.Type.Bit => CanonicalValue.BitBigEndian(bytes),
                Query.Type.Int8 or Query.Type.Uint8 or Query.Type.Int16 or Query.Type.Uint16 or Query.Type.Int24 or Query.Type.Uint24 or
                    Query.Type.Int32 or Query.Type.Uint32 or Query.Type.Int64 or Query.Type.Uint64 or Query.Type.Decimal or
                    Query.Type.Date or Query.Type.Time or Query.Type.Datetime or Query.Type.Timestamp or Query.Type.Enum or Query.Type.Set
                    => Encoding.UTF8.GetString(bytes),
                _ => CanonicalValue.Bytes(bytes),
            };
        }

        return decoded;
    }
}
