#!/usr/bin/env python3
"""CPU share per part of the Kafka harness process (bench/kafka-sink.sh PERF=… PERF_ARGS="-F 999 -g").

    bench/perf-breakdown.py file.data START,END

START,END: a drain's steady_window_mono_s. Each sample goes to the part of the innermost frame of its call chain that
names one (gRPC and protobuf only when no VGate frame is further in); samples whose chain names none go by thread
(librdkafka's broker threads: compression and produce requests, its mock cluster, the GC, the JIT) or 'other'.
"""
import subprocess
import sys
from collections import Counter

# (part, substrings of a frame) in the order tried for each frame, innermost frame first.
FRAME_PARTS = [
    ("lz4 compression (librdkafka)", ["LZ4_"]),
    ("sink: text escaping", ["JsonTextEscaper", "TextEncoder::EncodeUtf8", "Utf8JsonWriter::WriteStringEscape"]),
    ("sink: record rendering (JSON)", ["VGate.Kafka.Events", "System.Text.Json"]),
    ("sink: produce (Confluent.Kafka, librdkafka calls)", ["VGate.Kafka.Producing", "Confluent.Kafka", "rd_kafka_produce",
                                                          "rd_kafka_msg"]),
    ("sink: receive (gRPC client, protobuf parse)", ["VGate.Kafka.Gateway", "Grpc.Net.Client", "Google.Protobuf",
                                                     "System.Net.Http"]),
    ("sink: loop, checkpoints", ["VGate.Kafka"]),
    ("gateway: binlog read and VStream encoding", ["VGate.VStreamer", "VGate.MySql", "VGate.Gateway", "VGate.Protocol",
                                                   "VGate.Server", "MySqlConnector"]),
    ("gateway: gRPC server (Kestrel, HTTP/2)", ["Grpc.AspNetCore", "Microsoft.AspNetCore", "Kestrel"]),
]
THREAD_PARTS = [
    ("librdkafka broker threads (other)", "rdk:broker"),
    ("librdkafka mock cluster", "rdk:mock"),
    ("librdkafka other threads", "rdk:"),
    ("GC (background/server threads)", ".NET BGC"),
    ("GC (background/server threads)", ".NET Server GC"),
    ("JIT (tiered compilation thread)", ".NET Tiered Com"),
]


def part_of(comm, frames):
    for frame in frames:
        for part, needles in FRAME_PARTS:
            if any(n in frame for n in needles):
                return part
    for part, prefix in THREAD_PARTS:
        if comm.startswith(prefix):
            return part
    if frames and ("gc_heap" in frames[0] or "WKS::" in frames[0] or "SVR::" in frames[0]):
        return "GC"
    return "other (runtime, kernel, thread pool, unresolved)"


def main():
    data, window = sys.argv[1], sys.argv[2]
    out = subprocess.run(["perf", "script", "-i", data, "--time", window, "-F", "comm,ip,sym"],
                         capture_output=True, text=True, check=True).stdout
    counts = Counter()
    total = 0
    comm, frames = None, []
    for line in out.splitlines() + [""]:
        if not line.strip():
            if comm is not None:
                counts[part_of(comm, frames)] += 1
                total += 1
            comm, frames = None, []
            continue
        if comm is None:
            comm = line.strip()
        else:
            frames.append(line.strip())
    for part, n in counts.most_common():
        print(f"{100.0 * n / total:6.1f}%  {part}")
    print(f"{total} samples")


main()
