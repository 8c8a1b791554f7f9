using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Binlogdata;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using VGate.Gateway.Logging;
using VGate.Gateway.Skew;
using VGate.Gateway.Streams;
using VGate.Gateway.Topology;
using VGate.Protocol.Encoding;
using VGate.VStreamer;
using Vtgate;

namespace VGate.Gateway;

/// <summary>
/// One VStream (Vitess <c>vstream</c>): the shared VGTID, one pump task per shard, and the single sender that the
/// enumerator is. Shard pumps turn tablet batches into groups (a transaction, or a lone DDL/OTHER) and send each group
/// atomically under <see cref="_sendLock"/> into the bounded <see cref="_output"/> channel, so a shard's group is never
/// interleaved with another shard's events.
/// </summary>
/// <remarks>
/// <para><b>Large transactions.</b> A shard holds at most <see cref="_chunkSize"/> bytes of an open transaction
/// (<see cref="GatewayOptions.TransactionBufferBytes"/>, or the request's <c>transaction_chunk_size</c> when smaller); past
/// that it sends what it holds as a piece and keeps the send lock until the transaction's COMMIT, so memory stays bounded and
/// nothing interleaves. Once a piece is out, the transaction cannot be re-sent inside this stream: a failure of that shard
/// ends the VStream with UNAVAILABLE, and the client resumes from its last VGTID (which is before the transaction), so it
/// gets the transaction exactly once.</para>
/// <para>Responses are assembled from encoded events (<see cref="EncodedVStreamResponse"/>): a shard's events come from its
/// streamer or a fan-out hub shared by many streams, and each is serialized once (<see cref="VEvent.GetEncoded"/>), with the
/// <c>keyspace.</c> table-name prefix when the client did not set <c>exclude_keyspace_from_table_name</c>. Only what is
/// this stream's own (its VGTID events, the global COPY_COMPLETED, heartbeats) is encoded here.</para>
/// </remarks>
internal sealed class StreamSession : IDisposable
{
    private readonly GatewayOptions _options;
    private readonly IShardStreamFactory _factory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResolvedRequest _request;

    /// <summary>How many bytes of an open transaction a shard holds before sending it in pieces (see the remarks).</summary>
    private readonly long _chunkSize;

    /// <summary>Where the session reports its queue high-water mark (bounded memory is observable).</summary>
    private readonly StreamStatistics? _statistics;

    /// <summary>Whether FIELD and ROW table names go out as <c>keyspace.table</c> (unless <c>exclude_keyspace_from_table_name</c>).</summary>
    private readonly bool _prefixTableNames;

    /// <summary>
    /// How many encoded bytes of complete groups a shard holds back to send together at the end of its batch; past this they
    /// go at once, so a big batch (a streamer catching up) still flows to the client as a pipeline of moderate responses
    /// rather than a few of the maximum size.
    /// </summary>
    private const long HeldGroupBytes = 64 * 1024;

    /// <summary>
    /// How big the sender lets a response grow by merging queued ones (never above <see cref="GatewayOptions.MaxResponseBytes"/>).
    /// Merging saves per-message costs, which stop mattering long before this; much bigger messages only make the client
    /// wait for a whole message before it can start on it: a client catching up that got the maximum (3 MiB) every time
    /// received 30 % fewer row events per second than with messages of a few hundred KiB (bench/results/README-history-until-2026-12-07.md).
    /// </summary>
    private const int MergedResponseBytes = 256 * 1024;

    /// <summary><see cref="MergedResponseBytes"/>, or the response cap when that is smaller.</summary>
    private readonly int _mergeLimit;

    /// <summary>Held while a shard writes a group (or, with chunking, for a whole large transaction) to the output.</summary>
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>The stream position: one entry per shard, request order. Guarded by <see cref="_sendLock"/>.</summary>
    private readonly VGtid _vgtid = new();

    /// <summary>Encodes <see cref="_vgtid"/> as VGTID events. Guarded by <see cref="_sendLock"/>.</summary>
    private readonly VgtidEventEncoder _vgtidEncoder;

    /// <summary>Shards that sent COPY_COMPLETED. Guarded by <see cref="_sendLock"/>.</summary>
    private readonly HashSet<(string Keyspace, string Shard)> _copyCompleted = [];

    private readonly Channel<EncodedVStreamResponse> _output;

    /// <summary>Largest ROW event passed on as it is (<see cref="LimitsOptions.MaxEventBytes"/>; int.MaxValue when unchecked).</summary>
    private readonly int _maxEventBytes;

    /// <summary>Aligns shards by event time when the request sets <c>minimize_skew</c>; null otherwise.</summary>
    private readonly SkewAligner? _skew;

    /// <summary>Cancels every shard pump; set in <see cref="RunAsync"/>.</summary>
    private CancellationTokenSource? _shutdown;

    /// <summary>The first fatal error; once set, the stream ends with it.</summary>
    private Exception? _failure;

    /// <summary>When a shard last delivered anything (heartbeats included), as a <see cref="TimeProvider"/> timestamp.</summary>
    private long _lastShardActivity;

    /// <summary>When the sender last handed on a response, as a <see cref="TimeProvider"/> timestamp.</summary>
    private long _lastSent;

    /// <summary>Set once the global COPY_COMPLETED went out. Guarded by <see cref="_sendLock"/>.</summary>
    private bool _copyCompletedSent;

    public StreamSession(GatewayOptions options, IShardStreamFactory factory, TimeProvider time, ILogger logger, ResolvedRequest request,
        StreamStatistics? statistics = null)
    {
        _statistics = statistics;
        _options = options;
        _factory = factory;
        _time = time;
        _logger = logger;
        _request = request;
        foreach (var shard in request.Shards)
            _vgtid.ShardGtids.Add(shard.Clone());
        _vgtidEncoder = new VgtidEventEncoder(_vgtid);
        _prefixTableNames = !request.Flags.ExcludeKeyspaceFromTableName;
        _mergeLimit = Math.Min(options.MaxResponseBytes, MergedResponseBytes);
        _maxEventBytes = options.Limits is { MaxEventBytes: > 0, OversizeEvents: not OversizeEventAction.Send } limits ? limits.MaxEventBytes : int.MaxValue;
        _output = Channel.CreateBounded<EncodedVStreamResponse>(new BoundedChannelOptions(Math.Max(1, options.ResponseQueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        var flags = request.Flags;
        if (flags.MinimizeSkew)
        {
            _skew = new SkewAligner(
                request.Shards.Select(ShardId),
                request.Shards.Where(s => s.Gtid.Length == 0 || s.TablePKs.Count > 0).Select(ShardId),
                time,
                options.SkewTimeout);
        }
        var limit = Math.Max(TopologyValidator.MinimumTransactionBufferBytes, options.TransactionBufferBytes);
        if (flags.TransactionChunkSize > 0 && flags.MinimizeSkew)
            Log.ChunkingIgnoredWithMinimizeSkew(logger, flags.TransactionChunkSize, limit);
        // With minimize_skew, only the memory bound splits transactions (Vitess ignores transaction_chunk_size there).
        _chunkSize = flags.TransactionChunkSize > 0 && !flags.MinimizeSkew ? Math.Min(flags.TransactionChunkSize, limit) : limit;
    }

    /// <summary>Releases the send lock; call after <see cref="RunAsync"/> has finished.</summary>
    public void Dispose() => _sendLock.Dispose();

    public async IAsyncEnumerable<EncodedVStreamResponse> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _shutdown = shutdown;
        GatewayMetrics.StreamsCreated.Add(1);
        GatewayMetrics.StreamsActive.Add(1);
        Log.StreamStarted(_logger, _vgtid.ShardGtids.Count, _request.Role.ToString());

        var pumps = new Task[_vgtid.ShardGtids.Count];
        for (var i = 0; i < pumps.Length; i++)
        {
            var entry = _vgtid.ShardGtids[i];
            var shard = new ShardState(i, entry.Keyspace, entry.Shard);
            pumps[i] = Task.Run(() => PumpShardAsync(shard, shutdown.Token), CancellationToken.None);
        }
        var allEnded = CompleteWhenAllEndAsync(pumps);
        Volatile.Write(ref _lastShardActivity, _time.GetTimestamp());
        var liveness = CheckLivenessAsync(shutdown.Token);

        var heartbeat = _request.Flags.HeartbeatInterval > 0 ? TimeSpan.FromSeconds(_request.Flags.HeartbeatInterval) : TimeSpan.Zero;
        Volatile.Write(ref _lastSent, _time.GetTimestamp());
        // The sender waits on the output alone (no cancellation token, no timer task per wait: the channel reuses one wait
        // object). Shutting down completes the output to end the wait, and heartbeats come into it from a timer.
        using var completeOnShutdown = shutdown.Token.UnsafeRegister(static state => ((Channel<EncodedVStreamResponse>)state!).Writer.TryComplete(), _output);
        using var heartbeats = heartbeat > TimeSpan.Zero ? new HeartbeatTimer(this, heartbeat) : null;
        try
        {
            while (true)
            {
                if (_failure is not null || shutdown.IsCancellationRequested)
                    break;
                if (_output.Reader.TryRead(out var response))
                {
                    // Responses that queued up while the client was busy go out as one (up to MergedResponseBytes): one
                    // gRPC message and one write instead of several. Events keep their order; clients do not depend on
                    // where a response ends.
                    while (_output.Reader.TryPeek(out var next) && response.Length + next.Length <= _mergeLimit
                        && _output.Reader.TryRead(out next))
                        response.AddRange(next);
                    Volatile.Write(ref _lastSent, _time.GetTimestamp());
                    yield return response;
                    continue;
                }
                if (!await _output.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                    break;
            }

            if (_failure is { } failure)
            {
                var code = failure is VStreamException v ? v.Code : Vtrpc.Code.Internal;
                GatewayMetrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("code", code.ToString()));
                Log.StreamFailed(_logger, code, failure.Message);
                ExceptionDispatchInfo.Throw(failure);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            GatewayMetrics.StreamsActive.Add(-1);
            if (cancellationToken.IsCancellationRequested && _failure is null)
                Log.StreamEnded(_logger);
            await shutdown.CancelAsync().ConfigureAwait(false);
            await allEnded.ConfigureAwait(false);
            await liveness.ConfigureAwait(false);
        }
    }

    private EncodedVStreamResponse Heartbeat()
    {
        var now = _time.GetUtcNow();
        return EncodedVStreamResponse.From(new VStreamResponse
        {
            Events =
            {
                new VEvent
                {
                    Type = VEventType.Heartbeat,
                    Timestamp = now.ToUnixTimeSeconds(),
                    CurrentTime = (now - DateTimeOffset.UnixEpoch).Ticks * 100,
                },
            },
        });
    }

    /// <summary>
    /// Fails the stream with UNAVAILABLE when no shard delivered anything for <see cref="GatewayOptions.LivenessTimeout"/>
    /// (vstream-spec §2.14): tablets send heartbeats every second when idle, so silence that long means a hung source.
    /// </summary>
    private async Task CheckLivenessAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.LivenessTimeout;
        try
        {
            while (true)
            {
                var silent = _time.GetElapsedTime(Volatile.Read(ref _lastShardActivity));
                if (silent >= timeout)
                {
                    Fail(VStreamException.Unavailable(
                        $"vstream failed liveness checks: no event from any shard for {silent.TotalSeconds:0} s (limit {timeout.TotalSeconds:0} s)"));
                    return;
                }
                await Task.Delay(timeout - silent, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended.
        }
    }

    private async Task CompleteWhenAllEndAsync(Task[] pumps)
    {
        try
        {
            await Task.WhenAll(pumps).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Pumps handle their own errors; anything escaping is a defect.
            Fail(VStreamException.Internal("a shard stream failed unexpectedly: " + ex.Message, ex));
        }
        _output.Writer.TryComplete();
    }

    /// <summary>Records the first fatal error and stops every shard.</summary>
    private void Fail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _failure, error, null) is null)
        {
            _output.Writer.TryComplete();
            _shutdown?.Cancel();
        }
    }

    /// <summary>Runs one shard: opens its stream, forwards its groups, and reopens it after retriable errors.</summary>
    private async Task PumpShardAsync(ShardState shard, CancellationToken cancellationToken)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        // Why the last source was excluded: once no source of the role is left, that is the error worth reporting
        // (purged binlogs, a bad source setting), not "no source left".
        Exception? exclusion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var request = await BuildRequestAsync(shard, excluded, failed, cancellationToken).ConfigureAwait(false);
            if (request is null)
                return;
            string? source = null;
            OpenedShardStream? opened = null;
            Exception? error = null;
            var cut = false;
            try
            {
                opened = _factory.Open(request);
                source = opened.Source;
                Log.ShardOpened(_logger, shard.Keyspace, shard.Shard, source, request.Position);
                await foreach (var batch in opened.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    await HandleBatchAsync(shard, batch, cancellationToken).ConfigureAwait(false);
                }
                error = VStreamException.Unavailable($"{shard.Keyspace}/{shard.Shard}: the stream from {source} ended");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ChannelClosedException) when (_failure is not null)
            {
                return;
            }
            catch (Exception ex)
            {
                error = ex;
            }
            finally
            {
                if (opened?.CurrentSource is { } currentSource)
                    source = currentSource() ?? source;
                // Part of a transaction went out: never re-send it inside this stream. End the stream before releasing the
                // send lock, so no other shard's events follow the pieces.
                if (shard.HoldsLock && error is not null && !cancellationToken.IsCancellationRequested)
                {
                    cut = true;
                    Fail(TransactionCut(shard, source, error));
                }
                shard.Reset(_sendLock);
            }

            if (cut || cancellationToken.IsCancellationRequested)
                return;
            // A stream that moves between sources (the fan-out hub) names the one that failed, or none when no source is to blame.
            if (opened?.CurrentSource is not null)
                source = opened.CurrentSource();
            error ??= VStreamException.Internal($"{shard.Keyspace}/{shard.Shard}: the stream ended without an error");
            if (source is null && exclusion is not null && error is VStreamException { Code: Vtrpc.Code.Unavailable })
            {
                Log.ShardGivingUp(_logger, shard.Keyspace, shard.Shard, failures + 1, error.Message);
                Fail(exclusion);
                return;
            }
            var decision = RetryPolicy.Classify(error);
            if (decision == RetryDecision.Fail)
            {
                Fail(error as VStreamException ?? VStreamException.Internal($"{shard.Keyspace}/{shard.Shard}: {error.Message}", error));
                return;
            }

            failures++;
            if (failures >= _options.MaxConsecutiveShardFailures)
            {
                Log.ShardGivingUp(_logger, shard.Keyspace, shard.Shard, failures, error.Message);
                Fail(VStreamException.Unavailable(
                    $"{shard.Keyspace}/{shard.Shard}: persistent error, giving up after {failures} consecutive failures: {error.Message}", error));
                return;
            }

            if (source is not null)
                (decision == RetryDecision.RetryElsewhere ? excluded : failed).Add(source);
            if (decision == RetryDecision.RetryElsewhere)
                exclusion = error;
            GatewayMetrics.ShardRetries.Add(1, Tags(shard));
            Log.ShardRetrying(_logger, shard.Keyspace, shard.Shard, source ?? "(none)", failures, request.Position, error.Message);
            try
            {
                if (_options.RetryDelay > TimeSpan.Zero)
                    await Task.Delay(_options.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The error that ends the stream when a shard fails after part of a transaction was sent.</summary>
    private VStreamException TransactionCut(ShardState shard, string? source, Exception error)
    {
        GatewayMetrics.TransactionsCut.Add(1, Tags(shard));
        var message = $"{shard.Keyspace}/{shard.Shard}: the stream from {source ?? "its source"} failed in the middle of a transaction " +
            $"larger than {_chunkSize} bytes, {shard.ChunkedEvents} of whose events were already sent; a transaction is never re-sent " +
            $"inside a stream, so the VStream ends here: resume from the last VGTID received to get the whole transaction once. " +
            $"Cause: {error.Message}";
        // A fatal cause stays fatal for the client; anything the shard would have retried becomes UNAVAILABLE (resume).
        return RetryPolicy.Classify(error) == RetryDecision.Fail && error is VStreamException fatal
            ? fatal
            : VStreamException.Unavailable(message, error);
    }

    /// <summary>The request to (re)open a shard at its current position: the last gtid and table_p_ks sent.</summary>
    private async Task<ShardStreamRequest?> BuildRequestAsync(ShardState shard, HashSet<string> excluded, HashSet<string> failed, CancellationToken cancellationToken)
    {
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        try
        {
            var entry = Entry(shard);
            return new ShardStreamRequest
            {
                Keyspace = shard.Keyspace,
                Shard = shard.Shard,
                Position = entry.Gtid,
                TablePKs = [.. entry.TablePKs.Select(pk => pk.Clone())],
                Filter = _request.Filter.Clone(),
                TablesToCopy = [.. _request.Flags.TablesToCopy],
                StreamKeyspaceHeartbeats = _request.Flags.StreamKeyspaceHeartbeats,
                Role = _request.Role,
                Cells = SourceCells.Parse(_request.Flags.Cells),
                ExcludedSources = new HashSet<string>(excluded, StringComparer.Ordinal),
                FailedSources = new HashSet<string>(failed, StringComparer.Ordinal),
            };
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Forwards a batch of shard events. Complete groups (transactions, lone DDL/OTHER) are sent together when the batch
    /// ends: a batch that holds several transactions (a fan-out hub hands a subscriber everything it read since the
    /// subscriber's last turn, a streamer catching up hands over what one read gave) costs one send-lock turn, one response
    /// and one write, with a VGTID event after each transaction as always. A transaction still open at the end of the batch
    /// stays queued for the next one.
    /// </summary>
    private async Task HandleBatchAsync(ShardState shard, IReadOnlyList<VEvent> batch, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastShardActivity, _time.GetTimestamp());
        for (var b = 0; b < batch.Count; b++)
        {
            var vevent = batch[b];
            switch (vevent.Type)
            {
                case VEventType.Heartbeat:
                    // Tablet heartbeats only prove liveness and feed minimize_skew; never forwarded.
                    _skew?.Heartbeat(shard.Id, vevent);
                    continue;
                case VEventType.Begin:
                    shard.InTransaction = true;
                    await EnqueueAsync(shard, vevent, cancellationToken).ConfigureAwait(false);
                    break;
                case VEventType.Commit or VEventType.Rollback or VEventType.Ddl or VEventType.Other or VEventType.CopyCompleted:
                    await EnqueueAsync(shard, vevent, cancellationToken).ConfigureAwait(false);
                    shard.InTransaction = false;
                    shard.EndGroup();
                    if (shard.HoldsLock)
                    {
                        // The end of a transaction sent in pieces: it already waited for alignment before its first piece, and
                        // must not wait again while it holds the send lock (a slower shard may be queued on that lock).
                        _skew?.Heartbeat(shard.Id, vevent);
                        await SendCompleteGroupsAsync(shard, cancellationToken).ConfigureAwait(false);
                    }
                    else if (_skew is not null)
                    {
                        // minimize_skew releases each group at its own time.
                        await _skew.AlignAsync(shard.Id, vevent, cancellationToken).ConfigureAwait(false);
                        await SendCompleteGroupsAsync(shard, cancellationToken).ConfigureAwait(false);
                    }
                    else if (vevent.Type == VEventType.CopyCompleted || shard.CompleteBytes >= HeldGroupBytes)
                    {
                        await SendCompleteGroupsAsync(shard, cancellationToken).ConfigureAwait(false);
                    }
                    if (vevent.Type == VEventType.CopyCompleted)
                        _skew?.CopyCompleted(shard.Id);
                    continue;
                default:
                    await EnqueueAsync(shard, vevent, cancellationToken).ConfigureAwait(false);
                    break;
            }

            // A full piece goes at once rather than when the next event comes (the source may pause in between).
            if (shard.InTransaction && shard.QueuedBytes >= _chunkSize && shard.CompleteCount < shard.Queue.Count)
                await SendPieceAsync(shard, vevent, cancellationToken).ConfigureAwait(false);
        }
        await SendCompleteGroupsAsync(shard, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the queued complete groups, if any, and releases the send lock if a chunked transaction held it.</summary>
    private Task SendCompleteGroupsAsync(ShardState shard, CancellationToken cancellationToken) =>
        shard.CompleteCount > 0 ? SendAsync(shard, shard.CompleteCount, endOfGroup: true, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Sends the first <paramref name="count"/> queued events of the shard atomically, as responses of at most
    /// <see cref="MergedResponseBytes"/> (or <see cref="GatewayOptions.MaxResponseBytes"/> when smaller; a bigger event goes
    /// alone). With <paramref name="endOfGroup"/> false (a
    /// chunk of a large transaction) the lock stays held until the group's terminal event is sent.
    /// </summary>
    private async Task SendAsync(ShardState shard, int count, bool endOfGroup, CancellationToken cancellationToken)
    {
        if (!shard.HoldsLock)
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            shard.HoldsLock = true;
        }

        // Responses are cut at the merge size, not at MaxResponseBytes: bigger ones only make the client wait for a whole
        // message (see MergedResponseBytes), and they are what a client must hold while it works through them.
        var limit = _mergeLimit;
        var response = new EncodedVStreamResponse(count + 1);
        var entry = Entry(shard);
        long events = 0, bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var (vevent, encoded) = shard.Queue[i];
            switch (vevent.Type)
            {
                case VEventType.Gtid:
                    entry.Gtid = vevent.Gtid;
                    await AddAsync(_vgtidEncoder.EncodeAfterGtid(shard.Index, vevent)).ConfigureAwait(false);
                    break;
                case VEventType.Lastpk when vevent.LastPKEvent is { } lastPk:
                    UpdateTablePKs(entry, lastPk);
                    await AddAsync(_vgtidEncoder.Encode(shard.Keyspace, shard.Shard)).ConfigureAwait(false);
                    break;
                case VEventType.CopyCompleted:
                    await AddAsync(encoded!).ConfigureAwait(false);
                    _copyCompleted.Add((shard.Keyspace, shard.Shard));
                    if (!_copyCompletedSent && _copyCompleted.Count == _vgtid.ShardGtids.Count)
                    {
                        _copyCompletedSent = true;
                        await AddAsync(new VEvent { Type = VEventType.CopyCompleted }.ToByteArray()).ConfigureAwait(false);
                    }
                    break;
                default:
                    await AddAsync(encoded!).ConfigureAwait(false);
                    break;
            }
        }
        shard.Dequeue(count);
        if (response.Count > 0)
            await _output.Writer.WriteAsync(response, cancellationToken).ConfigureAwait(false);

        var tags = Tags(shard);
        GatewayMetrics.EventsStreamed.Add(events, tags);
        GatewayMetrics.BytesStreamed.Add(bytes, tags);
        if (endOfGroup)
        {
            shard.ChunkedEvents = 0;
            shard.HoldsLock = false;
            _sendLock.Release();
        }

        // Adds an event to the response, first sending the response when the event would take it over the cap.
        ValueTask AddAsync(byte[] encodedEvent)
        {
            events++;
            bytes += encodedEvent.Length;
            if (response.Count == 0 || response.Length + EncodedVStreamResponse.FramedLength(encodedEvent.Length) <= limit)
            {
                response.Add(encodedEvent);
                return ValueTask.CompletedTask;
            }
            var full = response;
            response = new EncodedVStreamResponse();
            response.Add(encodedEvent);
            return _output.Writer.WriteAsync(full, cancellationToken);
        }
    }

    /// <summary>
    /// Queues a shard event with its shared encoding (with the <c>keyspace.</c> table-name prefix unless the client excluded
    /// it), whose size counts towards chunking. GTID and LASTPK events are not sent as they are (they become this stream's
    /// VGTID events), so they are sized, not encoded. Inside a transaction, when the event would take the shard's queue past
    /// <see cref="_chunkSize"/>, what is queued goes out first as a piece of the transaction (taking the send lock until
    /// its COMMIT), so a shard never holds more than that (or one event, when a single event is bigger).
    /// </summary>
    private async ValueTask EnqueueAsync(ShardState shard, VEvent vevent, CancellationToken cancellationToken)
    {
        byte[]? encoded = null;
        int size;
        if (vevent.Type is VEventType.Gtid or VEventType.Lastpk)
            size = vevent.CalculateSize();
        else
        {
            encoded = vevent.GetEncoded(_prefixTableNames ? shard.Keyspace : null);
            size = encoded.Length;
            if (vevent.Type == VEventType.Field && vevent.FieldEvent is { } field)
                shard.Fields[field.TableName] = field;
            else if (vevent.Type == VEventType.Row && size > _maxEventBytes && !KeepOversize(shard, vevent, size))
                return;
        }

        if (shard.InTransaction && shard.QueuedBytes + size > _chunkSize && shard.Queue.Count > 0)
        {
            if (shard.CompleteCount == shard.Queue.Count)
            {
                // Only finished groups are queued (the transaction has not started yet): they go as usual.
                await SendCompleteGroupsAsync(shard, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await SendPieceAsync(shard, vevent, cancellationToken).ConfigureAwait(false);
            }
        }
        shard.Enqueue(vevent, encoded, size);
        _statistics?.ObserveQueuedBytes(shard.QueuedBytes);
    }

    /// <summary>
    /// A ROW event over <see cref="LimitsOptions.MaxEventBytes"/>: no client with the default receive limit can take it, and
    /// an event cannot be split. Fails the stream with RESOURCE_EXHAUSTED naming the row, or (with
    /// <see cref="OversizeEventAction.Skip"/>) logs and counts it and returns false to leave it out.
    /// </summary>
    private bool KeepOversize(ShardState shard, VEvent vevent, int size)
    {
        var limits = _options.Limits;
        var what = $"{shard.Keyspace}/{shard.Shard}: {OversizeEvent.Describe(vevent, shard.Fields.GetValueOrDefault(OversizeEvent.TableOf(vevent)), size)}";
        if (limits.OversizeEvents == OversizeEventAction.Skip)
        {
            Log.OversizeEventSkipped(_logger, what, limits.MaxEventBytes);
            GatewayMetrics.EventsOversize.Add(1, [new("keyspace", shard.Keyspace), new("shard", shard.Shard), new("table", OversizeEvent.TableOf(vevent))]);
            return false;
        }
        throw VStreamException.ResourceExhausted(
            $"{what}: a ROW event over VGate:Limits:MaxEventBytes ({limits.MaxEventBytes} bytes), more than a gRPC client receives by " +
            "default (4 MiB); the stream stops before it. Raise VGate:Limits:MaxEventBytes together with the client's receive limit, " +
            "or set VGate:Limits:OversizeEvents to Skip to leave such rows out (logged and counted in vgate.gateway.events.oversize)");
    }

    /// <summary>Sends everything the shard queued, a piece of its open transaction, keeping the send lock until its COMMIT.</summary>
    private async Task SendPieceAsync(ShardState shard, VEvent next, CancellationToken cancellationToken)
    {
        if (!shard.HoldsLock)
        {
            // The first piece: the transaction counts as started now for minimize_skew (all its events carry about the same
            // time), and waits here, before it takes the send lock, never while holding it.
            if (_skew is not null)
                await _skew.AlignAsync(shard.Id, next, cancellationToken).ConfigureAwait(false);
            GatewayMetrics.TransactionsChunked.Add(1, Tags(shard));
        }
        shard.ChunkedEvents += shard.Queue.Count;
        await SendAsync(shard, shard.Queue.Count, endOfGroup: false, cancellationToken).ConfigureAwait(false);
    }

    private static string ShardId(ShardGtid entry) => entry.Keyspace + "/" + entry.Shard;

    private static void UpdateTablePKs(ShardGtid entry, LastPKEvent lastPk)
    {
        var table = lastPk.TableLastPK?.TableName ?? "";
        for (var i = 0; i < entry.TablePKs.Count; i++)
        {
            if (entry.TablePKs[i].TableName == table)
            {
                entry.TablePKs.RemoveAt(i);
                break;
            }
        }
        if (!lastPk.Completed && lastPk.TableLastPK is not null)
            entry.TablePKs.Add(lastPk.TableLastPK.Clone());
    }

    private ShardGtid Entry(ShardState shard) => _vgtid.ShardGtids[shard.Index];

    private static ReadOnlySpan<KeyValuePair<string, object?>> Tags(ShardState shard) => shard.Tags;

    /// <summary>
    /// Queues a gateway heartbeat when nothing was sent for the request's <c>heartbeat_interval</c> (vstream-spec §2.10): one
    /// timer, due when the interval since the last response ends. As in VTGate, a heartbeat can, rarely, fall between two
    /// responses of one large transaction (a chunked one whose source is slow); it never splits a response.
    /// </summary>
    private sealed class HeartbeatTimer : IDisposable
    {
        private readonly StreamSession _session;
        private readonly TimeSpan _interval;
        private readonly ITimer _timer;

        public HeartbeatTimer(StreamSession session, TimeSpan interval)
        {
            _session = session;
            _interval = interval;
            _timer = session._time.CreateTimer(static state => ((HeartbeatTimer)state!).Fire(), this, interval, Timeout.InfiniteTimeSpan);
        }

        public void Dispose() => _timer.Dispose();

        private void Fire()
        {
            var session = _session;
            try
            {
                var idle = session._time.GetElapsedTime(Volatile.Read(ref session._lastSent));
                if (idle >= _interval)
                {
                    // A full output means a response is waiting to go anyway.
                    session._output.Writer.TryWrite(session.Heartbeat());
                    idle = TimeSpan.Zero;
                }
                _timer.Change(_interval - idle, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The stream ended (its timer is gone) while this ran.
            }
        }
    }

    /// <summary>The per-shard state of a pump: the queued group and whether it holds the send lock.</summary>
    private sealed class ShardState(int index, string keyspace, string shard)
    {
        /// <summary>The shard's place in the stream's VGTID (request order).</summary>
        public int Index { get; } = index;

        public string Keyspace { get; } = keyspace;

        public string Shard { get; } = shard;

        /// <summary><c>keyspace/shard</c>.</summary>
        public string Id { get; } = keyspace + "/" + shard;

        /// <summary>The metric tags of this shard (made once: metrics are recorded per response).</summary>
        public KeyValuePair<string, object?>[] Tags { get; } = [new("keyspace", keyspace), new("shard", shard)];

        /// <summary>The latest FIELD of each table, to name the primary key of a row over the event size limit.</summary>
        public Dictionary<string, FieldEvent> Fields { get; } = new(StringComparer.Ordinal);

        /// <summary>The queued events with their encodings (null for GTID and LASTPK, which become VGTID events).</summary>
        public List<(VEvent Event, byte[]? Encoded)> Queue { get; } = [];

        /// <summary>Encoded bytes queued (for chunking).</summary>
        public long QueuedBytes { get; private set; }

        /// <summary>How many of the queued events (from the front) form complete groups, ready to send.</summary>
        public int CompleteCount { get; private set; }

        /// <summary>The encoded bytes of those <see cref="CompleteCount"/> events.</summary>
        public long CompleteBytes { get; private set; }

        public bool InTransaction { get; set; }

        /// <summary>True while a chunked transaction keeps the stream lock between its pieces.</summary>
        public bool HoldsLock { get; set; }

        /// <summary>How many events of the open transaction went out in pieces (for the error when it is cut).</summary>
        public long ChunkedEvents { get; set; }

        /// <summary>Queues an event; <paramref name="size"/> counts towards the chunking threshold.</summary>
        public void Enqueue(VEvent vevent, byte[]? encoded, int size)
        {
            Queue.Add((vevent, encoded));
            QueuedBytes += size;
        }

        /// <summary>Marks everything queued so far as complete groups (the last one just ended).</summary>
        public void EndGroup()
        {
            CompleteCount = Queue.Count;
            CompleteBytes = QueuedBytes;
        }

        /// <summary>Removes the first <paramref name="count"/> events, which were sent: the complete groups, or everything.</summary>
        public void Dequeue(int count)
        {
            if (count >= Queue.Count)
            {
                ClearQueue();
                return;
            }
            // Only the complete groups are sent while a transaction is open behind them (a chunk sends everything).
            if (count != CompleteCount)
                throw new InvalidOperationException($"{Id}: {count} of {Queue.Count} queued events sent, but {CompleteCount} are complete");
            Queue.RemoveRange(0, count);
            QueuedBytes -= CompleteBytes;
            CompleteCount = 0;
            CompleteBytes = 0;
        }

        public void ClearQueue()
        {
            Queue.Clear();
            QueuedBytes = 0;
            CompleteCount = 0;
            CompleteBytes = 0;
        }

        /// <summary>After a stream ends: drops the unsent group and releases the lock if a chunked transaction held it.</summary>
        public void Reset(SemaphoreSlim sendLock)
        {
            ClearQueue();
            InTransaction = false;
            ChunkedEvents = 0;
            if (HoldsLock)
            {
                HoldsLock = false;
                sendLock.Release();
            }
        }
    }
}
