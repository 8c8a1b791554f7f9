using System.Buffers;
using Google.Protobuf;
using VGate.VStreamer.Values;

namespace VGate.VStreamer.Tests.Values;

/// <summary>
/// The slab hands out rows that wrap its array: a handed-out row must never change, whatever is written after it.
/// </summary>
public sealed class ValueSlabTests
{
    [Fact]
    public void Rows_KeepTheirBytes_WhileManySlabsAreFilledAfterThem()
    {
        var slab = new ValueSlab();
        var random = new Random(7);
        var rows = new List<(ByteString Row, byte[] Expected)>();
        for (var i = 0; i < 5000; i++)
        {
            var expected = new byte[random.Next(0, 300)];
            random.NextBytes(expected);
            slab.BeginRow();
            // Written in pieces, as the value writer does (one GetSpan/Advance per value).
            for (var offset = 0; offset < expected.Length; offset += 37)
            {
                var piece = expected.AsSpan(offset, Math.Min(37, expected.Length - offset));
                piece.CopyTo(slab.GetSpan(piece.Length));
                slab.Advance(piece.Length);
            }
            Assert.Equal(expected.Length, slab.RowLength);
            rows.Add((slab.EndRow(), expected));
        }

        Assert.True(rows.Sum(r => r.Expected.Length) > 20 * ValueSlab.SlabSize);
        foreach (var (row, expected) in rows)
            Assert.Equal(expected, row.ToByteArray());
    }

    [Fact]
    public void RowCrossingTheEndOfASlab_MovesWhole()
    {
        var slab = new ValueSlab();
        var first = Fill(slab, ValueSlab.SlabSize - 10, 1);
        // 30 bytes do not fit in the 10 left: the row continues in a new slab with its first part copied over.
        slab.BeginRow();
        slab.Write(new byte[] { 9, 9, 9, 9, 9 });
        slab.Write(Enumerable.Repeat((byte)8, 25).ToArray());
        var second = slab.EndRow();

        Assert.Equal(ValueSlab.SlabSize - 10, first.Length);
        Assert.All(first.ToByteArray(), b => Assert.Equal(1, b));
        Assert.Equal([9, 9, 9, 9, 9, .. Enumerable.Repeat((byte)8, 25)], second.ToByteArray());
    }

    [Fact]
    public void LargeRow_IsCopiedOut_AndItsSpaceReused()
    {
        var slab = new ValueSlab();
        var large = Fill(slab, ValueSlab.LargeRow + 1, 5);
        var small = Fill(slab, 10, 6);
        var huge = Fill(slab, 10 * ValueSlab.SlabSize, 7); // larger than a slab: grows, then is copied out
        var after = Fill(slab, 100, 8);

        Assert.All(large.ToByteArray(), b => Assert.Equal(5, b));
        Assert.Equal(ValueSlab.LargeRow + 1, large.Length);
        Assert.All(small.ToByteArray(), b => Assert.Equal(6, b));
        Assert.Equal(10 * ValueSlab.SlabSize, huge.Length);
        Assert.All(huge.ToByteArray(), b => Assert.Equal(7, b));
        Assert.All(after.ToByteArray(), b => Assert.Equal(8, b));
        Assert.Equal(100, after.Length);
    }

    [Fact]
    public void BeginRow_DropsAnUnfinishedRow()
    {
        var slab = new ValueSlab();
        var kept = Fill(slab, 4, 1);
        slab.BeginRow();
        slab.Write(new byte[] { 2, 2 });
        slab.BeginRow();
        slab.Write(new byte[] { 3 });
        var next = slab.EndRow();

        Assert.Equal([1, 1, 1, 1], kept.ToByteArray());
        Assert.Equal([3], next.ToByteArray());
    }

    [Fact]
    public void EmptyRow_IsEmpty()
    {
        var slab = new ValueSlab();
        slab.BeginRow();
        Assert.True(slab.EndRow().IsEmpty);
    }

    [Fact]
    public void AdvancePastTheSpan_Throws()
    {
        var slab = new ValueSlab();
        slab.BeginRow();
        var span = slab.GetSpan(0);
        Assert.True(span.Length >= 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => slab.Advance(ValueSlab.SlabSize + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => slab.Advance(-1));
    }

    private static ByteString Fill(ValueSlab slab, int length, byte value)
    {
        slab.BeginRow();
        slab.GetSpan(length)[..length].Fill(value);
        slab.Advance(length);
        return slab.EndRow();
    }
}
