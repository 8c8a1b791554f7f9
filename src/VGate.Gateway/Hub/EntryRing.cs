namespace VGate.Gateway.Hub;

/// <summary>A growable circular buffer of entries with consecutive sequence numbers: append at the tail, drop from either end.</summary>
internal sealed class EntryRing
{
    private HubEntry[] _items = new HubEntry[64];
    private int _head;

    public int Count { get; private set; }

    public HubEntry First => Count > 0 ? _items[_head] : throw new InvalidOperationException("the ring is empty");

    public HubEntry Last => Count > 0 ? _items[(_head + Count - 1) % _items.Length] : throw new InvalidOperationException("the ring is empty");

    /// <summary>The entry with sequence number <paramref name="seq"/>, which must be in the ring.</summary>
    public HubEntry BySeq(long seq)
    {
        var index = seq - First.Seq;
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(seq), seq, $"not in the ring ({First.Seq}..{Last.Seq})");
        return _items[(_head + (int)index) % _items.Length];
    }

    public void Add(HubEntry entry)
    {
        if (Count == _items.Length)
        {
            var larger = new HubEntry[_items.Length * 2];
            for (var i = 0; i < Count; i++)
                larger[i] = _items[(_head + i) % _items.Length];
            _items = larger;
            _head = 0;
        }
        _items[(_head + Count) % _items.Length] = entry;
        Count++;
    }

    public HubEntry RemoveFirst()
    {
        var first = First;
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        Count--;
        return first;
    }

    public HubEntry RemoveLast()
    {
        var last = Last;
        _items[(_head + Count - 1) % _items.Length] = null!;
        Count--;
        return last;
    }
}
