using VGate.Kafka.Producing;

namespace VGate.Kafka.Tests.Sink;

/// <summary>
/// <see cref="NativeMemoryTuning"/>: the glibc malloc settings the <c>vgate-kafka</c> process applies for
/// <c>RetainNativeMemoryMb</c> (what they gain is measured in bench/results/README-history-until-2026-12-07.md, not here).
/// </summary>
public sealed class NativeMemoryTuningTests
{
    [Fact]
    public void Apply_Zero_LeavesTheAllocatorAlone()
    {
        Assert.Null(NativeMemoryTuning.Apply(0));
    }

    [Fact]
    public void Apply_Negative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeMemoryTuning.Apply(-1));
    }

    [Fact]
    public void Apply_OnGlibc_GlibcAcceptsEverySetting()
    {
        // The test machines are Debian (glibc); elsewhere Apply must say why it did nothing instead of failing.
        var glibc = OperatingSystem.IsLinux() && File.Exists("/proc/self/maps")
            && File.ReadLines("/proc/self/maps").Any(line => line.EndsWith("/libc.so.6", StringComparison.Ordinal));

        var result = NativeMemoryTuning.Apply(64);

        if (glibc)
            Assert.Equal("glibc malloc keeps up to 64 MB of freed memory (trim threshold), top pad 16 MB, mmap threshold 32 MB", result);
        else
            Assert.StartsWith("not applied:", result, StringComparison.Ordinal);
    }
}
