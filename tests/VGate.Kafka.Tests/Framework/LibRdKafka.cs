using System.Reflection;
using System.Runtime.InteropServices;

namespace VGate.Kafka.Tests.Framework;

/// <summary>
/// The few librdkafka C functions the tests need to run a mock cluster (rdkafka_mock.h), bound to whichever librdkafka
/// build Confluent.Kafka loaded. On Debian the default <c>librdkafka.so</c> of librdkafka.redist needs
/// <c>libsasl2.so.3</c> and fails to load; Confluent.Kafka falls back to <c>centos8-librdkafka.so</c>, so a plain
/// <c>DllImport("librdkafka")</c> would fail. The resolver maps "librdkafka" to the library already in the process
/// (see ../shared/reference/kafka-debezium.md §1.1).
/// </summary>
internal static partial class LibRdKafka
{
    private const string Library = "librdkafka";

    static LibRdKafka()
    {
        // Loads the native library the way Confluent.Kafka does.
        _ = Confluent.Kafka.Library.Version;
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);
    }

    /// <summary>Makes sure the resolver is registered before the first call.</summary>
    public static void EnsureLoaded() => _ = Confluent.Kafka.Library.VersionString;

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr MockClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void MockClusterDestroy(IntPtr mcluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr MockClusterBootstraps(IntPtr mcluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MockTopicCreate(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    public static partial void MockGroupInitialRebalanceDelayMs(IntPtr mcluster, int delayMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int MockBrokerSetDown(IntPtr mcluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int MockBrokerSetUp(IntPtr mcluster, int brokerId);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
            return IntPtr.Zero;
        foreach (var candidate in Candidates())
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
                return handle;
        }
        throw new DllNotFoundException("librdkafka is not loaded in this process and none of runtimes/linux-x64/native/*librdkafka.so loads.");
    }

    private static IEnumerable<string> Candidates()
    {
        // 1. The build Confluent.Kafka already mapped into this process.
        if (File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var path = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
                if (path is not null && path.StartsWith('/') && Path.GetFileName(path).EndsWith("librdkafka.so", StringComparison.Ordinal))
                    yield return path;
            }
        }
        // 2. The files librdkafka.redist ships next to the test assembly.
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        yield return Path.Combine(native, "librdkafka.so");
        yield return Path.Combine(native, "centos8-librdkafka.so");
    }
}
