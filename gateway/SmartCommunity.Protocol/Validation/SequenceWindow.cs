namespace SmartCommunity.Protocol.Validation;

/// <summary>
/// Duplicate detection over a sliding window of sequence numbers, as IPsec's anti-replay window does
/// (RFC 4303 §3.4.3): the highest sequence seen plus a bitmap of the 256 before it. A message inside the
/// window is accepted once; one older than the window is treated as a duplicate, because a replay after an
/// outage arrives in order and never that far behind. A higher <c>boot</c> starts a new window.
/// Not thread-safe: one ingest worker owns each device.
/// </summary>
public sealed class SequenceWindow
{
    public const int Size = 256;

    private long _boot;
    private long _highest;
    private readonly ulong[] _bits = new ulong[Size / 64];
    private bool _started;

    public long HighestSequence => _highest;

    public long Boot => _boot;

    /// <summary>Messages the window saw missing when it moved on (gaps in the sequence).</summary>
    public long Gaps { get; private set; }

    /// <summary>Records the sequence number; returns false if it was seen already (or is older than the window).</summary>
    public bool TryAccept(long boot, long seq)
    {
        if (!_started || boot > _boot)
        {
            _started = true;
            _boot = boot;
            _highest = seq;
            Array.Clear(_bits);
            _bits[0] = 1;
            return true;
        }

        if (boot < _boot)
        {
            // A message from an earlier boot arriving after the new boot's messages: a late replay.
            // We cannot tell it from a duplicate without the old window, so it is refused.
            return false;
        }

        if (seq > _highest)
        {
            var shift = seq - _highest;
            // The new message skips (shift - 1) numbers; each of those starts out missing.
            Gaps += shift - 1;
            Shift(shift);
            _highest = seq;
            _bits[0] |= 1;
            return true;
        }

        var offset = _highest - seq;
        if (offset >= Size)
        {
            return false;
        }

        var index = (int)(offset >> 6);
        var mask = 1UL << (int)(offset & 63);
        if ((_bits[index] & mask) != 0)
        {
            return false;
        }

        _bits[index] |= mask;
        Gaps = Math.Max(0, Gaps - 1);
        return true;
    }

    private void Shift(long shift)
    {
        if (shift >= Size)
        {
            Array.Clear(_bits);
            return;
        }

        // Move the bitmap towards older offsets: word i takes bits from word i - k and i - k - 1.
        var words = (int)(shift >> 6);
        var bits = (int)(shift & 63);
        for (var i = _bits.Length - 1; i >= 0; i--)
        {
            var source = i - words;
            var high = source >= 0 ? _bits[source] << bits : 0;
            var low = bits != 0 && source - 1 >= 0 ? _bits[source - 1] >> (64 - bits) : 0;
            _bits[i] = high | low;
        }
    }
}
