using System.Reflection;

namespace VGate.Server.Tests;

/// <summary>
/// Every connection the gateway opens to a source goes through VGate's own protocol code
/// (<see cref="VGate.MySql.Protocol.MySqlProtocolConnection"/>), which sends a password in clear text only over TLS whose
/// certificate it verified. MySqlConnector (2.6) also sends it over TLS it did not verify (ssl-mode preferred/required),
/// so no product assembly may come to depend on it again; the test suite uses it for its own workload SQL only.
/// </summary>
public sealed class SourceConnectionGuardTests
{
    public static TheoryData<string> ProductAssemblies() => new()
    {
        typeof(VGate.MySql.Protocol.MySqlProtocolConnection).Assembly.GetName().Name!,
        typeof(VGate.VStreamer.ShardStreamer).Assembly.GetName().Name!,
        typeof(VGate.Gateway.Health.SourceHealthMonitor).Assembly.GetName().Name!,
        typeof(VGateServer).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void ProductAssembly_DoesNotReferenceMySqlConnector(string name)
    {
        var references = Assembly.Load(name).GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.NotEmpty(references);
        Assert.DoesNotContain("MySqlConnector", references);
    }
}
