using System.Text;

namespace VGate.Cli.Tests;

/// <summary>
/// Standard output of a command run in-process, readable while the command still writes (writes and reads are
/// serialised: the command writes from its own threads).
/// </summary>
internal sealed class LineCollector : Stream
{
    private readonly Lock _lock = new();
    private readonly MemoryStream _buffer = new();

    /// <summary>Everything written so far.</summary>
    public string Text()
    {
        lock (_lock)
            return Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length);
    }

    /// <summary>The complete lines written so far (a line still being written is left out).</summary>
    public string[] Lines()
    {
        var text = Text();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_lock)
            _buffer.Write(buffer, offset, count);
    }
}
