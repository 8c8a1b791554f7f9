using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Binlogdata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vtgate;
using VGate.Cli.Commands;
using VGate.Gateway;
using VGate.Server;
using VGate.Testing;
using VGate.VStreamer;

namespace VGate.Cli.Tests;

/// <summary>
/// <c>vgate stream</c> against an in-process VGate server on a real Kestrel localhost port, with a scripted gateway:
/// JSON lines, the resume file and restarting from it, and gRPC errors.
/// </summary>
public sealed class StreamCommandTests : IAsyncLifetime
{
    private readonly ScriptedGateway _gateway = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"vgate-stream-{Guid.NewGuid():N}");
    private WebApplication? _app;
    private string _address = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var builder = VGateServer.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VGate:Server:Listen"] = "127.0.0.1:0",
            ["VGate:Keyspaces:0:Name"] = "commerce",
            ["VGate:Keyspaces:0:Shards:0:Name"] = "0",
            // Nothing listens there: Execute's SHOW TABLE STATUS fails as against a source that is down.
            ["VGate:Keyspaces:0:Shards:0:Sources:0:Uri"] = string.Create(CultureInfo.InvariantCulture, $"mysql://u:p@127.0.0.1:{FreePort.GetAvailableTcpPort()}"),
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IVStreamGateway>(_gateway);
        _app = VGateServer.Build(builder);
        await _app.StartAsync();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<(int Exit, List<JsonElement> Lines, string Error)> RunAsync(params string[] args) => await RunAsync(null, args);

    private async Task<(int Exit, List<JsonElement> Lines, string Error)> RunAsync(TimeProvider? time, params string[] args)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exit = await StreamCommand.RunAsync(["--gateway", _address, .. args], output, error, deadline.Token, time);
        var lines = Encoding.UTF8.GetString(output.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
        return (exit, lines, error.ToString());
    }

    private static VStreamResponse Transaction(string gtid) => new()
    {
        Events =
        {
            new VEvent { Type = VEventType.Begin, Keyspace = "commerce", Shard = "0" },
            new VEvent { Type = VEventType.Vgtid, Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = "commerce", Shard = "0", Gtid = gtid } } } },
            new VEvent { Type = VEventType.Commit, Keyspace = "commerce", Shard = "0" },
        },
    };

    [Fact]
    public async Task Stream_ResumeFile_WrittenAfterCommitAndUsedOnRestart()
    {
        var resume = Path.Combine(_directory, "pos.json");
        _gateway.Responses.Add(Transaction("MySQL56/aaaa:1-5"));
        _gateway.Responses.Add(Transaction("MySQL56/aaaa:1-6"));

        var first = await RunAsync("--keyspace", "commerce", "--filter", "customer,corder", "--resume-file", resume);

        Assert.Equal(0, first.Exit);
        Assert.Equal(["BEGIN", "VGTID", "COMMIT", "BEGIN", "VGTID", "COMMIT"], first.Lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal("current", _gateway.Requests[0].Vgtid.ShardGtids[0].Gtid);
        Assert.Equal("select * from `corder`", _gateway.Requests[0].Filter.Rules[1].Filter);
        var saved = File.ReadAllText(resume).Trim();
        Assert.Equal("""[{"keyspace":"commerce","shard":"0","gtid":"MySQL56/aaaa:1-6","table_p_ks":[]}]""", saved);
        Assert.False(File.Exists(resume + ".tmp"));

        var second = await RunAsync("--keyspace", "commerce", "--resume-file", resume);

        Assert.Equal(0, second.Exit);
        Assert.Equal("MySQL56/aaaa:1-6", _gateway.Requests[1].Vgtid.ShardGtids[0].Gtid);
    }

    [Fact]
    public async Task Progress_ServerCannotGiveEstimates_ProgressWithoutEtaAndNoError()
    {
        var row = new RowEvent { TableName = "commerce.customer", Keyspace = "commerce", Shard = "0" };
        row.RowChanges.Add(new RowChange());
        row.RowChanges.Add(new RowChange());
        var copying = new ShardGtid { Keyspace = "commerce", Shard = "0", Gtid = "MySQL56/aaaa:1-5", TablePKs = { new TableLastPK { TableName = "customer" } } };
        _gateway.Responses.Add(new VStreamResponse
        {
            Events =
            {
                new VEvent { Type = VEventType.Begin },
                new VEvent { Type = VEventType.Row, RowEvent = row },
                new VEvent { Type = VEventType.Vgtid, Vgtid = new VGtid { ShardGtids = { copying } } },
                new VEvent { Type = VEventType.Commit },
                new VEvent { Type = VEventType.CopyCompleted, Keyspace = "commerce", Shard = "0" },
                new VEvent { Type = VEventType.CopyCompleted },
            },
        });

        var result = await RunAsync(new SteppingClock(), "--keyspace", "commerce", "--from", "copy", "--progress", "always");

        Assert.Equal(0, result.Exit);
        Assert.Equal(6, result.Lines.Count);
        // The progress as without estimates (no total, no ETA), erased at the end; no message about the failed statement.
        Assert.Contains("\rcopy: 0 tables done, 2 rows, ", result.Error, StringComparison.Ordinal);
        Assert.Contains("\rcopy: 1 tables done, 2 rows, ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ETA", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("vgate:", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("\r\x1b[K", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("never")]
    [InlineData("auto")]
    public async Task Progress_NeverOrAutoWithoutATerminal_NothingOnStandardError(string when)
    {
        _gateway.Responses.Add(new VStreamResponse { Events = { new VEvent { Type = VEventType.Begin }, new VEvent { Type = VEventType.CopyCompleted } } });

        var result = await RunAsync("--keyspace", "commerce", "--from", "copy", "--progress", when);

        Assert.Equal(0, result.Exit);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Progress_BadValue_UsageError()
    {
        var error = await Assert.ThrowsAsync<UsageException>(() => RunAsync("--keyspace", "commerce", "--progress", "sometimes"));
        Assert.Contains("auto, always or never", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_MaxEvents_StopsAfterN()
    {
        _gateway.Responses.Add(Transaction("MySQL56/aaaa:1-5"));

        var result = await RunAsync("--keyspace", "commerce", "--from", "copy", "--max-events", "2");

        Assert.Equal(0, result.Exit);
        Assert.Equal(2, result.Lines.Count);
        Assert.Equal("", _gateway.Requests[0].Vgtid.ShardGtids[0].Gtid);
    }

    [Fact]
    public async Task Stream_ServerError_Exit1WithStatusName()
    {
        _gateway.Error = VStreamException.InvalidArgument("unknown table nope");

        var result = await RunAsync("--keyspace", "commerce");

        Assert.Equal(1, result.Exit);
        Assert.Contains("InvalidArgument (3): unknown table nope", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_PasswordReferenceToUnsetVariable_UsageErrorNamingIt()
    {
        var error = await Assert.ThrowsAsync<UsageException>(
            () => RunAsync("--keyspace", "commerce", "--username", "cdc", "--password", "{env:VGATE_TEST_SURELY_UNSET_93}"));
        Assert.Contains("'VGATE_TEST_SURELY_UNSET_93'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_BadFrom_UsageError() =>
        await Assert.ThrowsAsync<UsageException>(() => RunAsync("--keyspace", "commerce", "--from", "yesterday"));

    [Theory]
    [InlineData("[]", "The VGTID names no shard.")]
    [InlineData("[{\"shard\":\"0\",\"gtid\":\"current\"}]", "Every VGTID entry needs a keyspace.")]
    [InlineData("[{\"keyspace\":", "Invalid VGTID JSON")]
    public async Task Stream_MalformedVgtid_UsageErrorSaysWhy(string from, string reason)
    {
        var error = await Assert.ThrowsAsync<UsageException>(() => RunAsync("--keyspace", "commerce", "--from", from));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_MalformedResumeFile_UsageErrorNamesTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), "vgate-resume-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(file, "not a vgtid");
        try
        {
            var error = await Assert.ThrowsAsync<UsageException>(() => RunAsync("--keyspace", "commerce", "--resume-file", file));
            Assert.StartsWith(file + ": ", error.Message, StringComparison.Ordinal);
            Assert.Equal("not a vgtid", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A clock one second later each time it is read: the progress line is redrawn at every event.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerSecond);
    }

    private sealed class ScriptedGateway : IVStreamGateway
    {
        public List<VStreamResponse> Responses { get; } = [];

        public List<VStreamRequest> Requests { get; } = [];

        public Exception? Error { get; set; }

        public async IAsyncEnumerable<VStreamResponse> StreamAsync(VStreamRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            foreach (var response in Responses)
            {
                await Task.Yield();
                yield return response;
            }
            if (Error is not null)
                throw Error;
        }
    }
}
