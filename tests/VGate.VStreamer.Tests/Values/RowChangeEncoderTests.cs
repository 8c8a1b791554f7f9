using Binlogdata;
using Google.Protobuf;
using Query;
using VGate.VStreamer.Values;

namespace VGate.VStreamer.Tests.Values;

/// <summary>
/// The encoder writes row changes in wire form by hand; the bytes must be exactly what the generated serializer writes for
/// the same RowChange objects (clients built from Vitess's protos read them), also inside a whole VEvent.
/// </summary>
public sealed class RowChangeEncoderTests
{
    [Fact]
    public void EncodedChanges_EqualGeneratedSerialization()
    {
        var random = new Random(5);
        var encoder = new RowChangeEncoder();
        for (var i = 0; i < 2000; i++)
        {
            var expected = new RowEvent();
            encoder.BeginEvent();
            for (var change = random.Next(1, 6); change > 0; change--)
            {
                var kind = random.Next(0, 3);
                var rowChange = new RowChange();
                var before = -1;
                var after = -1;
                if (kind != 0)
                    rowChange.Before = Fill(random, encoder, out before);
                if (kind != 1)
                    rowChange.After = Fill(random, encoder, out after);
                // Partial after images (NOBLOB, PARTIAL_JSON): data_columns, json_partial_values, either or both.
                var columns = random.Next(0, 3) == 0 ? random.Next(1, 70) : 0;
                var columnBits = RandomBits(random, columns);
                if (columns > 0)
                    rowChange.DataColumns = new RowChange.Types.Bitmap { Count = columns, Cols = ByteString.CopyFrom(columnBits) };
                var jsonColumns = random.Next(0, 4) == 0 ? random.Next(1, 20) : 0;
                var jsonBits = RandomBits(random, jsonColumns);
                if (jsonColumns > 0)
                    rowChange.JsonPartialValues = new RowChange.Types.Bitmap { Count = jsonColumns, Cols = ByteString.CopyFrom(jsonBits) };
                if (columns == 0 && jsonColumns == 0)
                    encoder.AddChange(before, after);
                else
                    encoder.AddChange(before, after, columns, columnBits, jsonColumns, jsonBits);
                expected.RowChanges.Add(rowChange);
            }

            Assert.Equal(expected.RowChanges.Count, encoder.Count);
            Assert.Equal(expected.ToByteArray(), Written(encoder));
        }
    }

    [Fact]
    public void EncodedEvent_EqualsGeneratedSerializationOfTheWholeEvent()
    {
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        var image = Fill(new Random(9), encoder, out var number);
        encoder.AddChange(-1, number);
        var vevent = new VEvent { Type = VEventType.Row, Timestamp = 5, Keyspace = "ks", Shard = "-80", RowEvent = new RowEvent { TableName = "t", Keyspace = "ks", Shard = "-80" } };

        vevent.EncodeRowChanges("ks", encoder.Length, encoder.Count, encoder, RowChangeEncoder.WriteChanges);

        var expected = vevent.Clone();
        expected.RowEvent.TableName = "ks.t";
        expected.RowEvent.RowChanges.Add(new RowChange { After = image });
        Assert.Equal(expected.ToByteArray(), vevent.GetEncoded("ks"));
        Assert.Equal(1, vevent.RowChangeCount);
    }

    [Fact]
    public void RowOfOnlyNulls_HasLengthsButNoValues()
    {
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        encoder.BeginImage();
        encoder.Images.AddLength(-1);
        encoder.Images.AddLength(-1);
        encoder.AddChange(-1, encoder.EndImage());

        var expected = new RowEvent { RowChanges = { new RowChange { After = new Row { Lengths = { -1, -1 } } } } };
        Assert.Equal(expected.ToByteArray(), Written(encoder));
    }

    [Fact]
    public void EmptyImage_IsWrittenAsAnEmptyRow()
    {
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        encoder.BeginImage();
        encoder.AddChange(encoder.EndImage(), -1);

        var expected = new RowEvent { RowChanges = { new RowChange { Before = new Row() } } };
        Assert.Equal(expected.ToByteArray(), Written(encoder));
    }

    [Fact]
    public void BeginEvent_ForgetsThePreviousEvent()
    {
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        Fill(new Random(1), encoder, out var first);
        encoder.AddChange(-1, first);
        encoder.BeginEvent();
        var row = Fill(new Random(2), encoder, out var second);
        encoder.AddChange(-1, second);

        Assert.Equal(new RowEvent { RowChanges = { new RowChange { After = row } } }.ToByteArray(), Written(encoder));
    }

    [Fact]
    public void ManyLongLengths_GrowThePackedLengths_AndStayExact()
    {
        // 3 images × 400 values of 200 bytes: 2,400 bytes of two-byte packed lengths, well past the encoder's first buffer.
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        var expected = new RowEvent();
        for (var change = 0; change < 3; change++)
        {
            encoder.BeginImage();
            var row = new Row();
            var values = new List<byte>();
            for (var column = 0; column < 400; column++)
            {
                if (column % 13 == 0)
                {
                    encoder.Images.AddLength(-1); // NULL: a length, no bytes
                    row.Lengths.Add(-1);
                    continue;
                }
                var value = new byte[column % 7 == 0 ? 0 : 200];
                Array.Fill(value, (byte)(column + change));
                encoder.Images.Write(value);
                encoder.Images.AddLength(value.Length);
                values.AddRange(value);
                row.Lengths.Add(value.Length);
            }
            row.Values = ByteString.CopyFrom(values.ToArray());
            encoder.AddChange(-1, encoder.EndImage());
            expected.RowChanges.Add(new RowChange { After = row });
        }

        Assert.Equal(expected.ToByteArray(), Written(encoder));
    }

    [Fact]
    public void PartialAfterImage_DataColumnsThenJsonPartialValues_AsTheGeneratedSerializer()
    {
        // A NOBLOB update of (id, b BLOB, j JSON) whose blob is absent and whose JSON is a partial update: {count:3, cols:0x05}
        // and {count:1, cols:0x01}, with the blob's slot NULL as Vitess sends it.
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        encoder.BeginImage();
        encoder.Images.Write("1"u8);
        encoder.Images.AddLength(1);
        encoder.Images.AddLength(-1);
        encoder.Images.Write("x"u8);
        encoder.Images.AddLength(1);
        var after = encoder.EndImage();
        encoder.AddChange(-1, after, 3, [0x05], 1, [0x01]);

        var expected = new RowEvent
        {
            RowChanges =
            {
                new RowChange
                {
                    After = new Row { Lengths = { 1, -1, 1 }, Values = ByteString.CopyFromUtf8("1x") },
                    DataColumns = new RowChange.Types.Bitmap { Count = 3, Cols = ByteString.CopyFrom(0x05) },
                    JsonPartialValues = new RowChange.Types.Bitmap { Count = 1, Cols = ByteString.CopyFrom(0x01) },
                },
            },
        };
        Assert.Equal(expected.ToByteArray(), Written(encoder));
    }

    [Fact]
    public void ManyWideBitmaps_GrowTheBitmapBuffer_AndStayExact()
    {
        // 200 changes × a 1,000-column bitmap: 25,000 bytes of bitmaps, past the encoder's first buffer.
        var random = new Random(11);
        var encoder = new RowChangeEncoder();
        encoder.BeginEvent();
        var expected = new RowEvent();
        for (var i = 0; i < 200; i++)
        {
            var row = Fill(random, encoder, out var image);
            var bits = RandomBits(random, 1000);
            encoder.AddChange(-1, image, 1000, bits, 0, default);
            expected.RowChanges.Add(new RowChange { After = row, DataColumns = new RowChange.Types.Bitmap { Count = 1000, Cols = ByteString.CopyFrom(bits) } });
        }

        Assert.Equal(expected.ToByteArray(), Written(encoder));
    }

    private static byte[] RandomBits(Random random, int count)
    {
        var bits = new byte[(count + 7) / 8];
        random.NextBytes(bits);
        return bits;
    }

    private static byte[] Written(RowChangeEncoder encoder)
    {
        var bytes = new byte[encoder.Length];
        encoder.WriteTo(bytes);
        return bytes;
    }

    /// <summary>Writes a random image into the encoder and returns the same row as an object.</summary>
    private static Row Fill(Random random, RowChangeEncoder encoder, out int number)
    {
        encoder.BeginImage();
        var image = encoder.Images;
        var row = new Row();
        var values = new List<byte>();
        for (var column = random.Next(0, 15); column > 0; column--)
        {
            if (random.Next(0, 5) == 0)
            {
                image.AddLength(-1);
                row.Lengths.Add(-1);
                continue;
            }
            var value = new byte[random.Next(0, random.Next(0, 10) == 0 ? 5000 : 30)];
            random.NextBytes(value);
            // In pieces, as the value writer does for long values.
            for (var offset = 0; offset < value.Length; offset += 100)
            {
                var piece = value.AsSpan(offset, Math.Min(100, value.Length - offset));
                piece.CopyTo(image.GetSpan(piece.Length));
                image.Advance(piece.Length);
            }
            image.AddLength(value.Length);
            values.AddRange(value);
            row.Lengths.Add(value.Length);
        }
        row.Values = ByteString.CopyFrom(values.ToArray());
        number = encoder.EndImage();
        return row;
    }
}
