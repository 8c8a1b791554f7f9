using System.IO.Hashing;
using VGate.MySql.Binlog;

namespace VGate.MySql.Tests.Binlog;

public sealed class BinlogCrc32Tests
{
    [Fact]
    public void Hash_CheckString_IsTheStandardCrc32()
    {
        // The CRC-32 catalogue's check value: CRC of the ASCII digits "123456789".
        Assert.Equal(0xCBF43926u, BinlogCrc32.Hash("123456789"u8));
        Assert.Equal(0u, BinlogCrc32.Hash([]));
    }

    [Fact]
    public void Hash_EveryLengthUpTo1100_SameAsSystemIoHashing()
    {
        // Every tail length (0–15), the 16-byte and 64-byte loops and their boundaries, several contents each.
        var random = new Random(20261125);
        var buffer = new byte[1100];
        for (var length = 0; length <= buffer.Length; length++)
        {
            for (var round = 0; round < 3; round++)
            {
                random.NextBytes(buffer.AsSpan(0, length));
                var data = buffer.AsSpan(0, length);
                Assert.True(Crc32.HashToUInt32(data) == BinlogCrc32.Hash(data), $"length {length}, round {round}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(13)]
    public void Hash_UnalignedSlicesOfOneBuffer_SameAsSystemIoHashing(int offset)
    {
        var bytes = new byte[600];
        new Random(offset).NextBytes(bytes);
        foreach (var length in new[] { 16, 17, 63, 64, 65, 104, 127, 250, 511 })
        {
            var data = bytes.AsSpan(offset, length);
            Assert.Equal(Crc32.HashToUInt32(data), BinlogCrc32.Hash(data));
        }
    }

    [Fact]
    public void Hash_AllOnesAndAllZeros_SameAsSystemIoHashing()
    {
        foreach (var fill in new byte[] { 0x00, 0xFF })
        {
            for (var length = 16; length <= 200; length++)
            {
                var data = Enumerable.Repeat(fill, length).ToArray();
                Assert.Equal(Crc32.HashToUInt32(data), BinlogCrc32.Hash(data));
            }
        }
    }
}
