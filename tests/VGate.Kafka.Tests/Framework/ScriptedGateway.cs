using System.Runtime.CompilerServices;
using Binlogdata;
using VGate.Gateway;
using VGate.VStreamer;
using Vtgate;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// A VStream source with a script: a growing list of responses, each of which may end at a position (its last VGTID
/// followed by COMMIT/DDL/OTHER). A request starts after the response whose position equals the requested VGTID (or at
/// the beginning for <c>current</c>/copy), sends what is there, then waits for more. Failures can be injected.
/// Replaying from a position yields exactly what the source would resend, like a binlog.
/// </summary>
public sealed class ScriptedGateway : IVStreamGateway
{
    private readonly Lock _lock = new();
    private readonly List<(VStreamResponse Response, VGtid? Position)> _steps = [];
    private readonly List<VStreamRequest> _requests = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (int AfterResponses, Exception Error)? _failOnce;

    /// <summary>When set, every stream fails with this at once.</summary>
    public Exception? AlwaysFail { get; set; }

    /// <summary>Requests received so far.</summary>
    public IReadOnlyList<VStreamRequest> Requests
    {
        get
        {
            lock (_lock)
                return [.. _requests];
        }
    }

    /// <summary>Appends one response holding <paramref name="events"/>.</summary>
    public void Add(params VEvent[] events)
    {
        var response = new VStreamResponse { Events = { events } };
        VGtid? position = null;
        VGtid? pending = null;
        foreach (var e in events)
        {
            if (e.Type == VEventType.Vgtid)
                pending = e.Vgtid;
            else if (e.Type is VEventType.Commit or VEventType.Ddl or VEventType.Other && pending is not null)
                position = pending;
        }
        lock (_lock)
        {
            _steps.Add((response, position));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The next stream fails with <paramref name="error"/> after sending <paramref name="afterResponses"/> responses.</summary>
    public void FailOnce(int afterResponses, Exception error)
    {
        lock (_lock)
            _failOnce = (afterResponses, error);
    }

    public async IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int index;
        (int AfterResponses, Exception Error)? fail;
        lock (_lock)
        {
            _requests.Add(request.Clone());
            index = StartIndex(request.Vgtid);
            fail = _failOnce;
            _failOnce = null;
        }
        if (AlwaysFail is { } always)
            throw always;
        // Like vtgate, a new stream sends the FIELD events of the tables it has seen again before their next rows.
        var fields = FieldsBefore(index);
        if (fields.Events.Count > 0)
            yield return fields;
        var sent = 0;
        while (true)
        {
            VStreamResponse? next = null;
            Task changed;
            lock (_lock)
            {
                if (index < _steps.Count)
                    next = _steps[index++].Response;
                changed = _changed.Task;
            }
            if (fail is { } f && sent == f.AfterResponses)
                throw f.Error;
            if (next is not null)
            {
                sent++;
                yield return next;
                continue;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    private VStreamResponse FieldsBefore(int index)
    {
        var latest = new Dictionary<string, VEvent>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var (response, _) in _steps.Take(index))
            {
                foreach (var e in response.Events.Where(e => e.Type == VEventType.Field))
                    latest[e.Shard + "/" + e.FieldEvent.TableName] = e;
            }
        }
        return new VStreamResponse { Events = { latest.Values } };
    }

    private int StartIndex(VGtid requested)
    {
        if (requested.ShardGtids.All(s => s.Gtid is "current" or "" && s.TablePKs.Count == 0))
            return 0;
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            if (_steps[i].Position is { } position && position.Equals(requested))
                return i + 1;
        }
        throw VStreamException.InvalidArgument($"unknown position {requested}");
    }
}
