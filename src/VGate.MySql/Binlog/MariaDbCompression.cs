using System.IO.Compression;
using System.Runtime.InteropServices;

namespace VGate.MySql.Binlog;

/// <summary>
/// MariaDB's compressed-binlog envelope (<c>log_bin_compress=ON</c>), used by QUERY_COMPRESSED_EVENT (165) for the
/// statement text and by the compressed ROWS events (166–171) for the row data. The envelope is one header byte
/// <c>0b1000_0LLL</c> (top three bits 100 = zlib, the low three bits the length of the length), then the uncompressed
/// length as LLL bytes big-endian, then a zlib stream.
/// See https://mariadb.com/kb/en/compressed-binary-log/ and <c>binlog_buf_uncompress</c> in MariaDB <c>sql/log_event.cc</c>.
/// </summary>
internal static class MariaDbCompression
{
    /// <summary>Decompresses one envelope into a new owned array.</summary>
    /// <param name="envelope">The envelope: header byte, length, zlib stream.</param>
    /// <param name="maxLength">Largest uncompressed length accepted (guards against garbage length fields).</param>
    public static byte[] Decompress(ReadOnlyMemory<byte> envelope, int maxLength)
    {
        var data = envelope.Span;
        if (data.IsEmpty)
            throw BinlogFormatException.Create("Compressed MariaDB event data is empty");
        var header = data[0];
        if ((header & 0xE0) != 0x80)
            throw BinlogFormatException.Create($"Unsupported MariaDB compression header 0x{header:X2} (expected 0x80 | length-of-length, zlib)", 0);
        var lengthOfLength = header & 0x07;
        if (lengthOfLength is < 1 or > 4)
            throw BinlogFormatException.Create($"MariaDB compression length-of-length {lengthOfLength} is not between 1 and 4", 0);
        if (data.Length < 1 + lengthOfLength)
            throw BinlogFormatException.CreateForShortBuffer(1, lengthOfLength, data.Length - 1);

        long length = 0;
        for (var i = 1; i <= lengthOfLength; i++)
            length = (length << 8) | data[i];
        if (length > maxLength)
            throw BinlogFormatException.Create($"MariaDB compressed data declares {length} uncompressed bytes, more than the limit of {maxLength}", 1);

        var output = new byte[length];
        var compressed = envelope[(1 + lengthOfLength)..];
        var input = MemoryMarshal.TryGetArray(compressed, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(compressed.ToArray(), writable: false);
        try
        {
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var read = 0;
            while (read < output.Length)
            {
                var n = zlib.Read(output, read, output.Length - read);
                if (n == 0)
                    break;
                read += n;
            }

            if (read != output.Length || zlib.ReadByte() != -1)
                throw BinlogFormatException.Create($"MariaDB compressed data does not inflate to the declared {length} bytes");
        }
        catch (InvalidDataException ex)
        {
            throw BinlogFormatException.Create("MariaDB compressed data is not a valid zlib stream", 1 + lengthOfLength, ex);
        }

        return output;
    }
}
