namespace VGate.Kafka.Producing;

/// <summary>
/// Reusable byte arrays of exact lengths, for handing a buffer's bytes to Confluent.Kafka, whose produce call only
/// takes a whole <c>byte[]</c> (no offset or length). librdkafka copies the bytes during that call
/// (<c>RD_KAFKA_MSG_F_COPY</c>), so the array is free again as soon as the call returns: records of similar size (rows of
/// one table) then reuse a few arrays instead of each allocating several KB for the garbage collector.
/// </summary>
/// <remarks>
/// An array returned by <see cref="Fill"/> is valid until the next <see cref="Fill"/> with the same length. Lengths
/// above <see cref="MaxCachedLength"/> get a new array each time; when <see cref="MaxEntries"/> distinct lengths are
/// held, the cache starts over (a workload whose sizes keep changing costs what it did without the cache). Not
/// thread-safe.
/// </remarks>
internal sealed class ExactLengthArrays
{
    /// <summary>The longest array kept for reuse.</summary>
    public const int MaxCachedLength = 256 * 1024;

    /// <summary>The most distinct lengths kept.</summary>
    public const int MaxEntries = 512;

    private readonly Dictionary<int, byte[]> _arrays = [];

    /// <summary>Distinct lengths currently held.</summary>
    public int Count => _arrays.Count;

    /// <summary>An array of exactly <c>data.Length</c> bytes holding <paramref name="data"/>.</summary>
    public byte[] Fill(ReadOnlySpan<byte> data)
    {
        var length = data.Length;
        if (length == 0)
            return [];
        if (length > MaxCachedLength)
            return data.ToArray();
        if (!_arrays.TryGetValue(length, out var array))
        {
            if (_arrays.Count >= MaxEntries)
                _arrays.Clear();
            array = new byte[length];
            _arrays[length] = array;
        }
        data.CopyTo(array);
        return array;
    }
}
