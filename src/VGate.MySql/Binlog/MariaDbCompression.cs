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
    // The output buffer starts at this size (or the declared length, when smaller) and doubles only while the zlib stream
    // actually produces more bytes: a garbage length field cannot make the parser allocate before the data exists.
    private const int InitialCapacity = 64 * 1024;

    /// <summary>Decompresses one envelope into a new owned array.</summary>
    /// <param name="envelope">The envelope: header byte, length, zlib stream.</param>
    /// <param name="maxLength">Largest uncompressed length accepted (guards against garbage length fields).</param>
    /// <param name="header">The event's header, named in errors.</param>
    /// <remarks>
    /// Memory is bounded by the bytes the stream really inflates to (at most twice that, plus 64 KiB), never by the
    /// declared length: a 100-byte event declaring 1 GiB fails after inflating its few bytes.
    /// </remarks>
    public static byte[] Decompress(ReadOnlyMemory<byte> envelope, int maxLength, EventHeader header)
    {
        var data = envelope.Span;
        var where = $"{header.Type} event at log position {header.NextPosition}";
        if (data.IsEmpty)
            throw BinlogFormatException.Create($"Compressed MariaDB data of the {where} is empty");
        var first = data[0];
        if ((first & 0xE0) != 0x80)
            throw BinlogFormatException.Create($"Unsupported MariaDB compression header 0x{first:X2} in the {where} (expected 0x80 | length-of-length, zlib)", 0);
        var lengthOfLength = first & 0x07;
        if (lengthOfLength is < 1 or > 4)
            throw BinlogFormatException.Create($"MariaDB compression length-of-length {lengthOfLength} in the {where} is not between 1 and 4", 0);
        if (data.Length < 1 + lengthOfLength)
            throw BinlogFormatException.CreateForShortBuffer(1, lengthOfLength, data.Length - 1);

        long length = 0;
        for (var i = 1; i <= lengthOfLength; i++)
            length = (length << 8) | data[i];
        if (length > maxLength)
            throw BinlogFormatException.Create($"The {where} declares {length} uncompressed bytes, more than the limit of {maxLength} (max event bytes)", 1);

        var output = new byte[(int)Math.Min(length, InitialCapacity)];
        var compressed = envelope[(1 + lengthOfLength)..];
        var input = MemoryMarshal.TryGetArray(compressed, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(compressed.ToArray(), writable: false);
        var read = 0;
        try
        {
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            while (read < length)
            {
                if (read == output.Length)
                {
                    // Full: grow only if the stream really has another byte.
                    var next = zlib.ReadByte();
                    if (next < 0)
                        break;
                    Array.Resize(ref output, (int)Math.Min(length, (long)output.Length * 2));
                    output[read++] = (byte)next;
                    continue;
                }

                var n = zlib.Read(output, read, output.Length - read);
                if (n == 0)
                    break;
                read += n;
            }

            if (read != length || zlib.ReadByte() != -1)
                throw BinlogFormatException.Create($"MariaDB compressed data of the {where} does not inflate to the declared {length} bytes ({(read != length ? read.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more")})");
        }
        catch (InvalidDataException ex)
        {
            throw BinlogFormatException.Create($"MariaDB compressed data of the {where} is not a valid zlib stream", 1 + lengthOfLength, ex);
        }

        return output;
    }
}
