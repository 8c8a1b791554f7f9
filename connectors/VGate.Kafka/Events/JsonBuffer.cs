using System.Buffers;
using System.Text.Json;

namespace VGate.Kafka.Events;

/// <summary>
/// A growable buffer and the one <see cref="Utf8JsonWriter"/> over it, reset for every record, so writing a record
/// allocates nothing (the sink produces straight from the buffer).
/// </summary>
internal sealed class JsonBuffer : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Utf8JsonWriter _writer;

    public JsonBuffer(int initialCapacity = 4096)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
        _writer = new Utf8JsonWriter(_buffer, DebeziumJson.WriterOptions);
    }

    /// <summary>Clears the buffer and returns the writer, ready for a new JSON document.</summary>
    public Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return _writer;
    }

    /// <summary>The document written since <see cref="Start"/>, valid until the next <see cref="Start"/>.</summary>
    public ReadOnlySpan<byte> Written
    {
        get
        {
            _writer.Flush();
            return _buffer.WrittenSpan;
        }
    }

    /// <summary>The document written since <see cref="Start"/>, valid until the next <see cref="Start"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory
    {
        get
        {
            _writer.Flush();
            return _buffer.WrittenMemory;
        }
    }

    /// <summary>The document written since <see cref="Start"/>, copied into a new array.</summary>
    public byte[] ToArray() => Written.ToArray();

    public void Dispose() => _writer.Dispose();
}
