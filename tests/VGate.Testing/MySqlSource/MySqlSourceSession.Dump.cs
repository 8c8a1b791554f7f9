using System.Buffers.Binary;
using System.Text;

namespace VGate.Testing.MySqlSource;

/// <summary>COM_BINLOG_DUMP_GTID and COM_BINLOG_DUMP: the binlog stream, as MySQL's binlog sender sends it.</summary>
internal sealed partial class MySqlSourceSession
{
    private const ushort DumpNonBlock = 0x01;
    private const ushort DumpThroughGtid = 0x04;
    private const ushort ErrorReadingBinlog = 1236;

    private async Task DumpGtidAsync(byte[] command, CancellationToken cancellationToken)
    {
        // https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump_gtid.html
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(command.AsSpan(1));
        var nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(command.AsSpan(7));
        var offset = 11 + nameLength + 8;
        SourceGtidSet requested;
        try
        {
            if ((flags & DumpThroughGtid) == 0)
            {
                requested = new SourceGtidSet();
            }
            else
            {
                var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(command.AsSpan(offset));
                requested = SourceGtidSet.DecodeBinary(command.AsSpan(offset + 4, size));
                if (offset + 4 + size != command.Length)
                    throw new FormatException($"{command.Length - offset - 4 - size} byte(s) after the GTID set of COM_BINLOG_DUMP_GTID.");
            }
        }
        catch (FormatException ex)
        {
            _server.RecordDump("(undecodable) " + ex.Message);
            await WriteAsync(Error(ErrorReadingBinlog, "HY000", "Malformed COM_BINLOG_DUMP_GTID: " + ex.Message), cancellationToken).ConfigureAwait(false);
            return;
        }
        _server.RecordDump(requested.ToString());

        // Binlog_sender::check_start_file: the purged GTIDs must be in the replica's set, and the replica must not have
        // GTIDs of this source that the source never wrote. Messages as MySQL 8.4 writes them (ER_SOURCE_HAS_PURGED_REQUIRED_GTIDS,
        // ER_REPLICA_HAS_MORE_GTIDS_THAN_SOURCE).
        var missing = _server.Purged.Except(requested);
        if (!missing.IsEmpty)
        {
            await WriteAsync(Error(ErrorReadingBinlog, "HY000",
                "Cannot replicate because the source purged required binary logs. Replicate the missing transactions from elsewhere, or provision a new replica from backup. " +
                $"Consider increasing the source's binary log expiration period. The GTID set sent by the replica is '{requested}', and the missing transactions are '{missing}'"),
                cancellationToken).ConfigureAwait(false);
            return;
        }
        var executed = _server.Binlog.Executed();
        if (requested.Except(executed).Uuids.Contains(_server.ServerUuid, StringComparer.Ordinal))
        {
            await WriteAsync(Error(ErrorReadingBinlog, "HY000",
                "Replica has more GTIDs than the source has, using the source's SERVER_UUID. This may indicate that the end of the binary log was truncated " +
                "or that the last binary log file was lost, e.g., after a power or disk failure when sync_binlog != 1. The source may or may not have rolled back " +
                "transactions that were already replicated to the replica. Suggest to replicate any transactions that source has rolled back from replica to source, " +
                "and/or commit empty transactions on source to account for transactions that have been committed on source but are not included in GTID_EXECUTED."),
                cancellationToken).ConfigureAwait(false);
            return;
        }

        await StreamAsync(transaction => transaction.Uuid is { } uuid && requested.Contains(uuid, transaction.Tag, transaction.Gno), startPosition: 4,
            nonBlocking: (flags & DumpNonBlock) != 0, cancellationToken).ConfigureAwait(false);
    }

    private async Task DumpFileAsync(byte[] command, CancellationToken cancellationToken)
    {
        // https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump.html
        var position = BinaryPrimitives.ReadUInt32LittleEndian(command.AsSpan(1));
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(command.AsSpan(5));
        var file = Encoding.UTF8.GetString(command.AsSpan(11));
        _server.RecordDump($"{file}:{position}");
        if (file != _server.Binlog.FileName)
        {
            await WriteAsync(Error(ErrorReadingBinlog, "HY000", "Could not find first log file name in binary log index file"), cancellationToken).ConfigureAwait(false);
            return;
        }
        await StreamAsync(_ => false, position, (flags & DumpNonBlock) != 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the fake ROTATE, the FORMAT_DESCRIPTION, the events from <paramref name="startPosition"/> on (skipping the
    /// transactions <paramref name="skip"/> selects), then waits for appended transactions, with heartbeats while idle.
    /// </summary>
    private async Task StreamAsync(Func<SourceTransaction, bool> skip, ulong startPosition, bool nonBlocking, CancellationToken cancellationToken)
    {
        var binlog = _server.Binlog;
        var rotateBody = new byte[8 + Encoding.UTF8.GetByteCount(binlog.FileName)];
        BinaryPrimitives.WriteUInt64LittleEndian(rotateBody, startPosition);
        Encoding.UTF8.GetBytes(binlog.FileName, rotateBody.AsSpan(8));
        await SendEventAsync(binlog.Artificial(SourceBinlog.RotateType, rotateBody, 0), cancellationToken).ConfigureAwait(false);

        var fde = binlog.FormatDescription;
        if (startPosition > 4)
        {
            // Not at the start of the file: the FORMAT_DESCRIPTION goes with log_pos 0, so the client does not take it as
            // a position in the stream (Binlog_sender::send_format_description_event).
            fde = (byte[])fde.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(fde.AsSpan(13), 0);
        }
        await SendEventAsync(fde, cancellationToken).ConfigureAwait(false);
        foreach (var ev in binlog.Preamble)
        {
            if (StartOf(ev) >= startPosition)
                await SendEventAsync(ev, cancellationToken).ConfigureAwait(false);
        }

        var sent = 0;
        while (true)
        {
            var changed = binlog.Changed;
            var transactions = binlog.Transactions;
            for (; sent < transactions.Count; sent++)
            {
                var transaction = transactions[sent];
                if (skip(transaction))
                    continue;
                foreach (var ev in transaction.Events)
                {
                    if (StartOf(ev) < startPosition)
                        continue;
                    await SendEventAsync(ev, cancellationToken).ConfigureAwait(false);
                }
            }

            if (nonBlocking)
            {
                await WriteAsync(Eof(), cancellationToken).ConfigureAwait(false);
                return;
            }

            var period = _heartbeatNanos > 0 ? TimeSpan.FromTicks(Math.Max(1, _heartbeatNanos / 100)) : Timeout.InfiniteTimeSpan;
            try
            {
                await changed.WaitAsync(period, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Idle for a heartbeat period: HEARTBEAT_LOG_EVENT with the current file and end position.
                var heartbeat = binlog.Artificial(SourceBinlog.HeartbeatType, Encoding.UTF8.GetBytes(binlog.FileName), binlog.EndPosition);
                await SendEventAsync(heartbeat, cancellationToken).ConfigureAwait(false);
                _server.RecordHeartbeat();
            }
        }
    }

    private static ulong StartOf(byte[] ev) =>
        BinaryPrimitives.ReadUInt32LittleEndian(ev.AsSpan(13)) - (ulong)ev.Length;

    private Task SendEventAsync(byte[] ev, CancellationToken cancellationToken)
    {
        var payload = new byte[ev.Length + 1];
        ev.CopyTo(payload, 1);
        return WriteAsync(payload, cancellationToken);
    }
}
