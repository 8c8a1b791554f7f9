using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using VGate.EndToEnd.Tests.Infrastructure;
using VGate.Server.Services;
using VGate.Testing;
using Binlogdata;
using Vtgate;

namespace VGate.EndToEnd.Tests;

/// <summary>
/// HTTP/2 keepalive (VGate:Server:KeepAlivePingDelay/Timeout) against a dead client: a raw HTTP/2 connection that sends one
/// VStream request and then neither reads nor answers anything, like a client whose host vanished. Kestrel's PING goes
/// unanswered, the connection is closed, and the stream's resources are freed: the call is counted out and the shard's
/// binlog reader (its Binlog Dump thread on the real server) ends.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "EndToEnd")]
public sealed class KeepAliveTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HangDeadline = TimeSpan.FromMinutes(3);

    [ServerFact]
    public Task VStream_ClientStopsReadingAndAcking_ConnectionCutAndStreamFreed() =>
        Scenario.RunAsync(output, HangDeadline, async scenario =>
        {
            var token = scenario.Deadline;
            await using var cluster = await ShardCluster.StartAsync(1, token);
            var settings = cluster.GatewaySettings();
            settings["VGate:Server:KeepAlivePingDelay"] = "00:00:01";
            settings["VGate:Server:KeepAlivePingTimeout"] = "00:00:01";
            settings["VGate:FanOut:Linger"] = "00:00:00";
            await using var gateway = await GatewayHost.StartAsync(settings);
            scenario.Gateway = gateway;
            var admission = gateway.Services.GetRequiredService<StreamAdmission>();
            var server = cluster.Shards[0].Server;

            var uri = new Uri(gateway.Address);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(uri.Host, uri.Port, token);
            var request = new VStreamRequest
            {
                TabletType = Topodata.TabletType.Primary,
                Vgtid = new VGtid { ShardGtids = { new ShardGtid { Keyspace = ShardCluster.Keyspace, Shard = cluster.Shards[0].Name, Gtid = "current" } } },
            };
            await socket.SendAsync(RawHttp2.VStreamCall(uri.Authority, request), SocketFlags.None, token);

            // The stream runs: admitted, and reading the shard's binlog.
            await Eventually.AssertAsync(async () =>
            {
                Assert.Equal(1, admission.Running);
                Assert.Equal(1L, await BinlogDumpThreadsAsync(server, token));
            }, TestDeadline.Default, token);

            // From here on the client reads nothing and acknowledges no PING: within delay + timeout (+ Kestrel's 1 s
            // heartbeat) the connection is closed and everything the stream held is let go.
            await Eventually.AssertAsync(async () =>
            {
                Assert.Equal(0, admission.Running);
                Assert.Equal(0L, await BinlogDumpThreadsAsync(server, token));
            }, TestDeadline.Default, token);
            scenario.Log("dead client cut: 0 streams admitted, 0 Binlog Dump threads");
        });

    private static Task<long> BinlogDumpThreadsAsync(MariaDbServer server, CancellationToken token) =>
        server.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'", token);

    /// <summary>Just enough HTTP/2 (RFC 9113) and HPACK (RFC 7541, literals only) to send one gRPC call.</summary>
    private static class RawHttp2
    {
        private const byte Data = 0x0, Headers = 0x1, Settings = 0x4;
        private const byte EndStream = 0x1, EndHeaders = 0x4;

        public static byte[] VStreamCall(string authority, VStreamRequest request)
        {
            var buffer = new MemoryStream();
            buffer.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
            Frame(buffer, Settings, 0, 0, []);
            var block = new MemoryStream();
            Header(block, ":method", "POST");
            Header(block, ":scheme", "http");
            Header(block, ":path", "/vtgateservice.Vitess/VStream");
            Header(block, ":authority", authority);
            Header(block, "content-type", "application/grpc");
            Header(block, "te", "trailers");
            Frame(buffer, Headers, EndHeaders, 1, block.ToArray());
            var message = request.ToByteArray();
            var payload = new byte[5 + message.Length];
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), (uint)message.Length);
            message.CopyTo(payload, 5);
            Frame(buffer, Data, EndStream, 1, payload);
            return buffer.ToArray();
        }

        private static void Frame(MemoryStream output, byte type, byte flags, int stream, byte[] payload)
        {
            Span<byte> header = stackalloc byte[9];
            header[0] = (byte)(payload.Length >> 16);
            header[1] = (byte)(payload.Length >> 8);
            header[2] = (byte)payload.Length;
            header[3] = type;
            header[4] = flags;
            BinaryPrimitives.WriteInt32BigEndian(header[5..], stream);
            output.Write(header);
            output.Write(payload);
        }

        /// <summary>A literal header field without indexing, new name, no Huffman coding (names and values under 127 bytes).</summary>
        private static void Header(MemoryStream output, string name, string value)
        {
            output.WriteByte(0);
            output.WriteByte((byte)Encoding.ASCII.GetByteCount(name));
            output.Write(Encoding.ASCII.GetBytes(name));
            output.WriteByte((byte)Encoding.ASCII.GetByteCount(value));
            output.Write(Encoding.ASCII.GetBytes(value));
        }
    }
}
