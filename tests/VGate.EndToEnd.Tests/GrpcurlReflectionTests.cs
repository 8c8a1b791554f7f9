using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Testing;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// What grpcurl (README.md "Other clients") does against the real server with no <c>.proto</c> files: list the services
/// over gRPC reflection, resolve <c>vtgateservice.Vitess</c> and every file it depends on (FileContainingSymbol, then
/// FileByFilename for each missing import), and send the README's <c>-d</c> JSON as the request messages.
/// grpcurl itself is not packaged for Debian 12, so the steps are taken here with the reflection protocol's own client.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class GrpcurlReflectionTests(ITestOutputHelper output)
{
    // The README's grpcurl -d arguments, verbatim apart from the keyspace name.
    private const string ExecuteJson = """{"query":{"sql":"SHOW VITESS_SHARDS"}}""";
    private const string VStreamJson = """
        {"tabletType":"PRIMARY","vgtid":{"shardGtids":[{"keyspace":"ks","gtid":"current"}]},
          "filter":{"rules":[{"match":"/.*/"}]},"flags":{"heartbeatInterval":1}}
        """;

    [ServerFact]
    public Task Reflection_AsGrpcurlUsesIt_ListDescribeAndInvokeWithoutProtoFiles() =>
        Scenario.RunAsync(output, TimeSpan.FromMinutes(5), async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(2, token);
            var settings = cluster.GatewaySettings();
            // Reflection must stay open with authentication on: grpcurl list/describe send no credentials.
            using var directory = TempDirectory.Create("vgate-reflection");
            settings["VGate:Server:UsersFile"] = directory.Combine("users.json");
            await File.WriteAllTextAsync(directory.Combine("users.json"), """[{"Username": "cdc", "Password": "s3cret"}]""", token);
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var reflection = new ServerReflection.ServerReflectionClient(gateway.CreateChannel());
            using var call = reflection.ServerReflectionInfo(cancellationToken: token);

            // grpcurl list
            var services = (await AskAsync(call, new ServerReflectionRequest { ListServices = "" }, token))
                .ListServicesResponse.Service.Select(s => s.Name).ToList();
            scenario.Log("services: " + string.Join(", ", services));
            Assert.Contains("vtgateservice.Vitess", services);
            Assert.Contains("grpc.health.v1.Health", services);
            Assert.Contains("grpc.reflection.v1.ServerReflection", services);
            Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);

            // grpcurl describe vtgateservice.Vitess: the file holding the symbol, then any import not sent yet.
            var files = new Dictionary<string, ByteString>(StringComparer.Ordinal);
            await AddAsync(new ServerReflectionRequest { FileContainingSymbol = "vtgateservice.Vitess" });
            var missing = new Queue<string>(Imports());
            while (missing.TryDequeue(out var name))
            {
                if (files.ContainsKey(name))
                    continue;
                await AddAsync(new ServerReflectionRequest { FileByFilename = name });
                foreach (var import in Imports())
                    missing.Enqueue(import);
            }
            scenario.Log("files: " + string.Join(", ", files.Keys.Order(StringComparer.Ordinal)));
            var descriptors = FileDescriptor.BuildFromByteStrings(Ordered(files));
            var vitess = descriptors.SelectMany(f => f.Services).Single(s => s.FullName == "vtgateservice.Vitess");
            Assert.Equal(
                ["Execute", "ExecuteBatch", "StreamExecute", "ExecuteMulti", "StreamExecuteMulti", "VStream", "Prepare", "CloseSession"],
                vitess.Methods.Select(m => m.Name));
            var vstream = vitess.FindMethodByName("VStream");
            Assert.True(vstream.IsServerStreaming);
            Assert.Equal("vtgate.VStreamRequest", vstream.InputType.FullName);
            // grpcurl describe vtgate.VStreamRequest: the served fields are those this client was compiled with.
            Assert.Equal(
                VStreamRequest.Descriptor.Fields.InFieldNumberOrder().Select(f => (f.FieldNumber, f.Name, f.FieldType)),
                vstream.InputType.Fields.InFieldNumberOrder().Select(f => (f.FieldNumber, f.Name, f.FieldType)));

            // grpcurl -d '...' vtgateservice.Vitess/Execute and /VStream, with the credentials those calls need.
            var credentials = GatewayHost.Credentials("cdc", "s3cret");
            var execute = await gateway.Client.ExecuteAsync(JsonParser.Default.Parse<ExecuteRequest>(ExecuteJson), credentials, cancellationToken: token);
            Assert.Null(execute.Error);
            Assert.Equal(2, execute.Result.Rows.Count);
            using var stream = gateway.Client.VStream(JsonParser.Default.Parse<VStreamRequest>(VStreamJson), credentials, cancellationToken: token);
            var heartbeat = false;
            while (!heartbeat && await stream.ResponseStream.MoveNext(token))
                heartbeat = stream.ResponseStream.Current.Events.Any(e => e.Type == Binlogdata.VEventType.Heartbeat);
            Assert.True(heartbeat);

            // Without credentials the calls themselves are refused, reflection having answered all along.
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await gateway.Client.ExecuteAsync(JsonParser.Default.Parse<ExecuteRequest>(ExecuteJson), cancellationToken: token));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);

            async Task AddAsync(ServerReflectionRequest request)
            {
                var response = await AskAsync(call, request, token);
                Assert.Null(response.ErrorResponse);
                foreach (var bytes in response.FileDescriptorResponse.FileDescriptorProto)
                    files.TryAdd(FileDescriptorProto.Parser.ParseFrom(bytes).Name, bytes);
            }

            IEnumerable<string> Imports() =>
                files.Values.SelectMany(b => FileDescriptorProto.Parser.ParseFrom(b).Dependency).Where(d => !files.ContainsKey(d)).ToList();
        });

    private static async Task<ServerReflectionResponse> AskAsync(
        AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call, ServerReflectionRequest request, CancellationToken token)
    {
        await call.RequestStream.WriteAsync(request, token);
        Assert.True(await call.ResponseStream.MoveNext(token), "the reflection stream ended");
        return call.ResponseStream.Current;
    }

    /// <summary>The files with every file after those it imports, as <see cref="FileDescriptor.BuildFromByteStrings(IEnumerable{ByteString})"/> needs.</summary>
    private static List<ByteString> Ordered(Dictionary<string, ByteString> files)
    {
        var ordered = new List<ByteString>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in files.Keys.Order(StringComparer.Ordinal))
            Visit(name);
        return ordered;

        void Visit(string name)
        {
            if (!done.Add(name))
                return;
            foreach (var dependency in FileDescriptorProto.Parser.ParseFrom(files[name]).Dependency)
                Visit(dependency);
            ordered.Add(files[name]);
        }
    }
}
