namespace VGate.VStreamer.KeyRanges;

/// <summary>
/// Comparison of keyspace ids (the byte strings that vindexes produce and key ranges bound) the way Vitess's
/// <c>go/vt/key</c> package compares them: bytewise after removing trailing <c>0x00</c> bytes, so <c>80</c>,
/// <c>8000</c> and <c>8000000000000000</c> are the same point.
/// </summary>
public static class KeyspaceIds
{
    /// <summary>Returns <paramref name="keyspaceId"/> without its trailing zero bytes (Vitess <c>key.Normalize</c>).</summary>
    public static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> keyspaceId)
    {
        var length = keyspaceId.Length;
        while (length > 0 && keyspaceId[length - 1] == 0)
            length--;
        return keyspaceId[..length];
    }

    /// <summary>Compares two keyspace ids after normalizing both; negative, zero or positive (Vitess <c>key.Compare</c>).</summary>
    public static int Compare(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        Normalize(left).SequenceCompareTo(Normalize(right));

    /// <summary>True when the two keyspace ids are the same point (Vitess <c>key.Equal</c>).</summary>
    public static bool Equal(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        Normalize(left).SequenceEqual(Normalize(right));

    /// <summary>True when the keyspace id is empty once normalized, i.e. the minimum (Vitess <c>key.Empty</c>).</summary>
    public static bool IsEmpty(ReadOnlySpan<byte> keyspaceId) => Normalize(keyspaceId).IsEmpty;
}
