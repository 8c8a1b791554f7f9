using Binlogdata;
using Vtgate;

namespace VGate.Gateway.Tests.Fakes;

/// <summary>
/// A client of one gateway stream for fan-out tests: collects ROW values and VGTIDs, checks that every ROW follows a FIELD of
/// its table and that transactions are whole (BEGIN … COMMIT), and can hold still (stop reading, as a slow consumer) after a
/// number of transactions until released. It stays connected after reaching its target until disposed.
/// </summary>
internal sealed class RowSubscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _run;

    public RowSubscriber(IVStreamGateway gateway, VStreamRequest request, Func<List<string>, bool> done, int pauseAfterTransactions = -1, CancellationToken cancellationToken = default)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _run = Task.Run(() => RunAsync(gateway, request, done, pauseAfterTransactions, _cancel.Token), CancellationToken.None);
    }

    public List<string> Rows { get; } = [];

    public List<string> Positions { get; } = [];

    public int Transactions { get; private set; }

    /// <summary>Each FIELD's timestamp with that of the ROW right after it.</summary>
    public List<(long Field, long Row)> FieldTimestamps { get; } = [];

    /// <summary>Completes when <c>done</c> held after a transaction.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the subscriber starts holding still.</summary>
    public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first response arrived.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The stream's failure, if it failed.</summary>
    public Exception? Error { get; private set; }

    public void Release() => _release.TrySetResult();

    private async Task RunAsync(IVStreamGateway gateway, VStreamRequest request, Func<List<string>, bool> done, int pauseAfter, CancellationToken cancellationToken)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var inTransaction = false;
        long? fieldTimestamp = null;
        try
        {
            await foreach (var response in gateway.StreamAsync(request, cancellationToken))
            {
                Started.TrySetResult();
                foreach (var e in response.Events)
                {
                    switch (e.Type)
                    {
                        case VEventType.Begin:
                            Assert.False(inTransaction, "BEGIN inside a transaction");
                            inTransaction = true;
                            break;
                        case VEventType.Field:
                            fields.Add(e.FieldEvent.TableName);
                            fieldTimestamp = e.Timestamp;
                            break;
                        case VEventType.Row:
                            if (fieldTimestamp is { } described)
                                FieldTimestamps.Add((described, e.Timestamp));
                            fieldTimestamp = null;
                            Assert.True(inTransaction, "ROW outside a transaction");
                            Assert.True(fields.Contains(e.RowEvent.TableName), $"ROW of {e.RowEvent.TableName} before its FIELD");
                            foreach (var change in e.RowEvent.RowChanges)
                                Rows.Add(change.After.Values.ToStringUtf8().TrimEnd('.'));
                            break;
                        case VEventType.Vgtid:
                            Positions.Add(e.Vgtid.ShardGtids[0].Gtid);
                            break;
                        case VEventType.Commit:
                            Assert.True(inTransaction, "COMMIT without BEGIN");
                            inTransaction = false;
                            Transactions++;
                            if (done(Rows))
                                Done.TrySetResult();
                            if (Transactions == pauseAfter)
                            {
                                Paused.TrySetResult();
                                await _release.Task.WaitAsync(cancellationToken);
                            }
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Error = ex;
            Done.TrySetException(ex);
            Started.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        await _run;
        _cancel.Dispose();
    }
}
