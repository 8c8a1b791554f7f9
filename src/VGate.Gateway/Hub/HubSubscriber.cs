using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.Gateway.Streams;
using VGate.MySql.Positions;
using VGate.MySql.Replication;
using VGate.VStreamer;

namespace VGate.Gateway.Hub;

/// <summary>
/// One shard stream opened through a <see cref="FanOutShardStreamFactory"/>: reads from a hub while its position is in the
/// ring, from its own connection otherwise, and moves between the two only at transaction boundaries.
/// </summary>
internal sealed class HubSubscriber(FanOutShardStreamFactory factory, IShardStreamFactory inner, ShardStreamRequest request)
{
    /// <summary>The source to blame for the error just raised: its own connection's source, or null for hub-side errors.</summary>
    public string? Blame { get; private set; }

    public async IAsyncEnumerable<IReadOnlyList<VEvent>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var key = HubKey.For(request.Keyspace, request.Shard, request.Role, request.Filter, request.Cells, request.StreamKeyspaceHeartbeats);
        var copying = request.Position.Length == 0 || request.TablePKs.Count > 0;
        ReplicationPosition? start = null;
        var shareable = !copying;
        if (!copying)
        {
            // The position was validated by the request resolver; a file position (or anything unexpected) reads on its own.
            BinlogStartPosition? parsed = null;
            try
            {
                parsed = BinlogStartPosition.Parse(request.Position);
            }
            catch (FormatException)
            {
                shareable = false;
            }
            if (parsed?.File is not null)
                shareable = false;
            start = parsed?.Gtid;
        }

        var state = new SubscriberPosition(start is null ? null : request.Position, start, copying);
        HubCursor? cursor = null;
        IAsyncEnumerator<IReadOnlyList<VEvent>>? own = null;
        string? ownSource = null;
        var tags = new KeyValuePair<string, object?>[] { new("keyspace", request.Keyspace), new("shard", request.Shard) };
        try
        {
            if (shareable)
                cursor = factory.Attach(key, request.Filter, start is null ? "current" : request.Position, start);
            if (cursor is null)
                own = OpenOwn(request, out ownSource);

            while (true)
            {
                IReadOnlyList<VEvent> batch;
                if (cursor is not null)
                {
                    var read = await cursor.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (read is null)
                    {
                        // Fell behind the ring: continue on an own connection from the last complete transaction.
                        cursor.Dispose();
                        cursor = null;
                        if (state.InTransaction)
                        {
                            throw VStreamException.Unavailable(
                                $"{request.Keyspace}/{request.Shard}: fell behind the shared reader in the middle of a transaction; reopening at the last position");
                        }
                        own = OpenOwn(request with { Position = state.Text ?? request.Position, TablePKs = [] }, out ownSource);
                        continue;
                    }
                    batch = read;
                }
                else
                {
                    if (state.ReadyToAttach)
                    {
                        state.AttachTried();
                        cursor = factory.Attach(key, request.Filter, state.Text!, state.Position);
                        if (cursor is not null)
                        {
                            var closing = own!;
                            own = null;
                            await CloseOwnAsync(closing).ConfigureAwait(false);
                            continue;
                        }
                    }
                    try
                    {
                        if (!await own!.MoveNextAsync().ConfigureAwait(false))
                            yield break;
                    }
                    catch
                    {
                        Blame = ownSource;
                        throw;
                    }
                    batch = own.Current;
                }

                state.Observe(batch);
                yield return batch;
            }
        }
        finally
        {
            cursor?.Dispose();
            if (own is not null)
                await CloseOwnAsync(own).ConfigureAwait(false);
        }

        IAsyncEnumerator<IReadOnlyList<VEvent>> OpenOwn(ShardStreamRequest ownRequest, out string source)
        {
            var opened = inner.Open(ownRequest);
            source = opened.Source;
            GatewayMetrics.HubOwnReaders.Add(1, tags);
            return opened.Batches.GetAsyncEnumerator(cancellationToken);
        }

        async Task CloseOwnAsync(IAsyncEnumerator<IReadOnlyList<VEvent>> enumerator)
        {
            GatewayMetrics.HubOwnReaders.Add(-1, tags);
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
