using Binlogdata;
using Google.Protobuf;
using VGate.Protocol.Encoding;

namespace VGate.VStreamer.Values;

/// <summary>
/// Builds the row changes of one ROW event in protobuf wire form — the <c>RowEvent.row_changes</c> fields, each a
/// <c>binlogdata.RowChange</c> with its <c>query.Row</c> images — for <see cref="VEvent.EncodeRowChanges{TState}(RowEventFrame, int, int, TState, System.Buffers.SpanAction{byte, TState})"/>, which writes
/// them straight into the event's encoding. That replaces a RowChange, a Row, a lengths list and a value buffer per row
/// (most of what the streamer allocated, and what the gateway then serialized anyway) with one write.
/// </summary>
/// <remarks>
/// Use: <see cref="BeginEvent"/>; per image <see cref="BeginImage"/>, write it into <see cref="Images"/> (with
/// <see cref="RowValueWriter"/>), <see cref="EndImage"/>; per row <see cref="AddChange(int, int)"/> with its images; then hand
/// <see cref="Length"/>, <see cref="Count"/> and <see cref="WriteChanges"/> to the event. The bytes are exactly what the
/// generated serializer writes for the same objects (RowChangeEncoderTests hold it to that). One per stream; not thread-safe.
/// </remarks>
internal sealed class RowChangeEncoder
{
    // binlogdata.RowEvent.row_changes, binlogdata.RowChange fields, binlogdata.RowChange.Bitmap fields, query.Row fields.
    private const int RowChangesField = 2, BeforeField = 1, AfterField = 2, DataColumnsField = 3, JsonPartialValuesField = 4, BitmapCountField = 1,
        BitmapColsField = 2, RowLengthsField = 1, RowValuesField = 2;

    private const int MaxVarintSize = 10;

    private Image[] _images = new Image[16];
    private Change[] _changes = new Change[8];
    private byte[] _bits = new byte[64];
    // Each image's lengths as the packed sint64 field's payload, written by EndImage (which needs their size anyway).
    private byte[] _packed = new byte[256];
    private int _packedLength;
    private int _imageCount;
    private int _bitsLength;
    private int _imageValuesStart;
    private int _imageLengthsStart;

    /// <summary>Where the images' values and lengths are written.</summary>
    public RowImageBuffer Images { get; } = new();

    /// <summary>Row changes added since <see cref="BeginEvent"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The encoded size of the row changes added since <see cref="BeginEvent"/>.</summary>
    public int Length { get; private set; }

    /// <summary>The writer to pass to <see cref="VEvent.EncodeRowChanges{TState}(RowEventFrame, int, int, TState, System.Buffers.SpanAction{byte, TState})"/> with this encoder as its state.</summary>
    public static System.Buffers.SpanAction<byte, RowChangeEncoder> WriteChanges { get; } = static (span, encoder) => encoder.WriteTo(span);

    /// <summary>Starts an event (drops what was added since the last one).</summary>
    public void BeginEvent()
    {
        Images.Clear();
        _imageCount = 0;
        _bitsLength = 0;
        _packedLength = 0;
        Count = 0;
        Length = 0;
    }

    /// <summary>Starts an image: what is written into <see cref="Images"/> until <see cref="EndImage"/> belongs to it.</summary>
    public void BeginImage()
    {
        _imageValuesStart = Images.RowLength;
        _imageLengthsStart = Images.LengthCount;
    }

    /// <summary>Ends the image; returns its number for <see cref="AddChange(int, int)"/>.</summary>
    public int EndImage()
    {
        var image = new Image(_imageValuesStart, Images.RowLength - _imageValuesStart, _imageLengthsStart, Images.LengthCount - _imageLengthsStart);
        var lengths = Images.Lengths[image.LengthsStart..];
        if (_packed.Length - _packedLength < lengths.Length * MaxVarintSize)
            Array.Resize(ref _packed, Math.Max(_packed.Length * 2, _packedLength + lengths.Length * MaxVarintSize));
        // Encoded here, once, instead of measured here and encoded again when the event is written.
        var packed = _packed.AsSpan(_packedLength);
        var written = 0;
        foreach (var length in lengths)
        {
            var zigZag = (ulong)((length << 1) ^ (length >> 63));
            while (zigZag >= 0x80)
            {
                packed[written++] = (byte)(zigZag | 0x80);
                zigZag >>= 7;
            }
            packed[written++] = (byte)zigZag;
        }
        image.PackedStart = _packedLength;
        image.PackedSize = written;
        _packedLength += written;
        // proto3: an empty packed field and empty bytes are not written.
        image.RowSize = (image.LengthsCount > 0 ? WireWriter.LengthDelimitedSize(image.PackedSize) : 0) +
            (image.ValuesLength > 0 ? WireWriter.LengthDelimitedSize(image.ValuesLength) : 0);
        if (_imageCount == _images.Length)
            Array.Resize(ref _images, _imageCount * 2);
        _images[_imageCount] = image;
        return _imageCount++;
    }

    /// <summary>Adds one row change of full images.</summary>
    /// <param name="before">The before image's number, or −1 for none.</param>
    /// <param name="after">The after image's number, or −1 for none.</param>
    public void AddChange(int before, int after) => AddChange(before, after, 0, default, 0, default);

    /// <summary>Adds one row change, with the bitmaps of a partial after image.</summary>
    /// <param name="before">The before image's number, or −1 for none.</param>
    /// <param name="after">The after image's number, or −1 for none.</param>
    /// <param name="dataColumnCount">When above 0: the number of columns of the table, with
    /// <paramref name="dataColumnBits"/> one bit per column present in the after image (<c>data_columns</c>).</param>
    /// <param name="dataColumnBits">The <c>data_columns</c> bitmap bytes.</param>
    /// <param name="jsonPartialCount">When above 0: the number of JSON columns of the table, with
    /// <paramref name="jsonPartialBits"/> one bit per JSON column whose after value is a partial-JSON expression.</param>
    /// <param name="jsonPartialBits">The <c>json_partial_values</c> bitmap bytes.</param>
    public void AddChange(int before, int after, int dataColumnCount, ReadOnlySpan<byte> dataColumnBits,
        int jsonPartialCount, ReadOnlySpan<byte> jsonPartialBits)
    {
        var change = new Change(before, after, AddBitmap(dataColumnCount, dataColumnBits), AddBitmap(jsonPartialCount, jsonPartialBits));
        if (before >= 0)
            change.Size += WireWriter.LengthDelimitedSize(_images[before].RowSize);
        if (after >= 0)
            change.Size += WireWriter.LengthDelimitedSize(_images[after].RowSize);
        if (change.DataColumns.Count > 0)
            change.Size += WireWriter.LengthDelimitedSize(change.DataColumns.Size);
        if (change.JsonPartialValues.Count > 0)
            change.Size += WireWriter.LengthDelimitedSize(change.JsonPartialValues.Size);
        if (Count == _changes.Length)
            Array.Resize(ref _changes, Count * 2);
        _changes[Count++] = change;
        Length += WireWriter.LengthDelimitedSize(change.Size);
    }

    /// <summary>Keeps a bitmap's bytes for <see cref="WriteTo"/> and measures its <c>RowChange.Bitmap</c> message (none when <paramref name="count"/> is 0).</summary>
    private Bitmap AddBitmap(int count, ReadOnlySpan<byte> bits)
    {
        if (count <= 0)
            return default;
        var bitmap = new Bitmap(count, _bitsLength, bits.Length)
        {
            // proto3: count is never 0 here; empty cols are not written.
            Size = 1 + CodedOutputStream.ComputeInt64Size(count) + (bits.Length > 0 ? WireWriter.LengthDelimitedSize(bits.Length) : 0),
        };
        if (_bits.Length - _bitsLength < bits.Length)
            Array.Resize(ref _bits, Math.Max(_bits.Length * 2, _bitsLength + bits.Length));
        bits.CopyTo(_bits.AsSpan(_bitsLength));
        _bitsLength += bits.Length;
        return bitmap;
    }

    /// <summary>Writes the row changes added since <see cref="BeginEvent"/>: exactly <see cref="Length"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var writer = new WireWriter(destination);
        for (var i = 0; i < Count; i++)
        {
            ref readonly var change = ref _changes[i];
            writer.WriteTag(RowChangesField, 2);
            writer.WriteLength(change.Size);
            if (change.Before >= 0)
                WriteRow(ref writer, BeforeField, _images[change.Before]);
            if (change.After >= 0)
                WriteRow(ref writer, AfterField, _images[change.After]);
            // Field order as the generated serializer writes it: data_columns (3), then json_partial_values (4).
            if (change.DataColumns.Count > 0)
                WriteBitmap(ref writer, DataColumnsField, change.DataColumns);
            if (change.JsonPartialValues.Count > 0)
                WriteBitmap(ref writer, JsonPartialValuesField, change.JsonPartialValues);
        }
        if (writer.Position != destination.Length)
            throw new InvalidOperationException($"Wrote {writer.Position} bytes of row changes into {destination.Length}.");
    }

    private void WriteBitmap(ref WireWriter writer, int field, in Bitmap bitmap)
    {
        writer.WriteTag(field, 2);
        writer.WriteLength(bitmap.Size);
        writer.WriteTag(BitmapCountField, 0);
        writer.WriteVarint((ulong)bitmap.Count);
        if (bitmap.BitsLength > 0)
        {
            writer.WriteTag(BitmapColsField, 2);
            writer.WriteLength(bitmap.BitsLength);
            writer.WriteRaw(_bits.AsSpan(bitmap.BitsStart, bitmap.BitsLength));
        }
    }

    private void WriteRow(ref WireWriter writer, int field, in Image image)
    {
        writer.WriteTag(field, 2);
        writer.WriteLength(image.RowSize);
        if (image.LengthsCount > 0)
        {
            writer.WriteTag(RowLengthsField, 2);
            writer.WriteLength(image.PackedSize);
            writer.WriteRaw(_packed.AsSpan(image.PackedStart, image.PackedSize));
        }
        if (image.ValuesLength > 0)
        {
            writer.WriteTag(RowValuesField, 2);
            writer.WriteLength(image.ValuesLength);
            writer.WriteRaw(Images.Values.Slice(image.ValuesStart, image.ValuesLength));
        }
    }

    /// <summary>One image: where its values and lengths are in <see cref="Images"/>, and its encoded sizes.</summary>
    private record struct Image(int ValuesStart, int ValuesLength, int LengthsStart, int LengthsCount)
    {
        public int PackedStart;
        public int PackedSize;
        public int RowSize;
    }

    /// <summary>One row change: its images (−1: none), its bitmaps (count 0: none), and its encoded size.</summary>
    private record struct Change(int Before, int After, Bitmap DataColumns, Bitmap JsonPartialValues)
    {
        public int Size;
    }

    /// <summary>One <c>RowChange.Bitmap</c>: its bit count, where its bytes are in <c>_bits</c>, and its encoded size.</summary>
    private record struct Bitmap(int Count, int BitsStart, int BitsLength)
    {
        public int Size;
    }
}
