using System.Runtime.InteropServices;

namespace VGate.Kafka.Producing;

/// <summary>
/// Keeps freed C heap memory in the process instead of handing it back to the kernel after every batch (glibc
/// <c>mallopt</c>: trim threshold, top pad, mmap threshold), for <see cref="Sink.KafkaSinkOptions.RetainNativeMemoryMb"/>.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> librdkafka copies every produced record into a <c>malloc</c>ed block of its own and builds each
/// produce request in fresh buffers; a sink batch (up to <see cref="Sink.KafkaSinkOptions.MaxBatchRecords"/> records
/// of ~4 KB with schemas) holds tens of MB of them and frees them all when the batch is acknowledged. With glibc's
/// defaults that memory is trimmed back to the kernel (and large buffers are <c>mmap</c>ed and unmapped each time), so
/// the next batch takes a page fault for every 4 KB page again. Profiles of bench/kafka-sink.sh showed page faults and
/// <c>sysmalloc</c> in librdkafka's threads and the produce path; keeping the memory roughly halved the CPU of
/// librdkafka's broker threads (bench/results/README-history-until-2026-12-07.md).</para>
/// <para><b>Cost.</b> The process keeps up to the given amount of freed C heap per allocator arena instead of
/// returning it, i.e. its resident memory stays near its peak after a burst. The settings are process-wide, so only
/// the program that owns the process (the <c>vgate-kafka</c> / <c>vgate kafka-sink</c> command) applies them, not
/// <see cref="Sink.KafkaSink"/> itself.</para>
/// <para>Other C libraries (musl) have no such knobs: <see cref="Apply"/> then does nothing and says so.</para>
/// </remarks>
public static class NativeMemoryTuning
{
    // glibc malloc.h
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;

    /// <summary>glibc caps the mmap threshold at half its heap size: 32 MiB on 64-bit systems.</summary>
    private const int MaxMmapThreshold = 32 * 1024 * 1024;

    /// <summary>The most a heap grows by beyond a request (a non-main glibc arena's heap is 64 MiB at most anyway).</summary>
    private const int MaxTopPad = 64 * 1024 * 1024;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int Mallopt(int parameter, int value);

    /// <summary>
    /// Applies the settings for <paramref name="retainMb"/> MB (0 = leave the C allocator's defaults). Returns what was
    /// done, for the log: null when nothing was to be done, otherwise a short description.
    /// </summary>
    public static string? Apply(int retainMb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainMb);
        if (retainMb == 0)
            return null;
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
            return "not applied: no glibc (libc.so.6) in this process";
        if (!NativeLibrary.TryGetExport(libc, "mallopt", out var address) || !NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _))
            return "not applied: libc.so.6 is not glibc";
        var mallopt = Marshal.GetDelegateForFunctionPointer<Mallopt>(address);
        var bytes = (int)Math.Min(int.MaxValue, retainMb * 1024L * 1024L);
        var topPad = Math.Min(bytes / 4, MaxTopPad);
        var mmapThreshold = Math.Min(bytes, MaxMmapThreshold);
        // Free memory at the top of a heap is returned to the kernel only beyond this much; each heap growth takes a
        // quarter of it (at most 64 MB) at once: fewer, larger sbrk/mprotect calls, address space only until touched;
        // buffers up to the mmap threshold come from the heap, so they are reused too instead of being mapped and
        // unmapped per produce request.
        var ok = mallopt(TrimThreshold, bytes) == 1
            & mallopt(TopPad, topPad) == 1
            & mallopt(MmapThreshold, mmapThreshold) == 1;
        return ok
            ? $"glibc malloc keeps up to {retainMb} MB of freed memory (trim threshold), top pad {topPad / (1024 * 1024)} MB, mmap threshold {mmapThreshold / (1024 * 1024)} MB"
            : "partly applied: glibc refused a mallopt setting";
    }
}
