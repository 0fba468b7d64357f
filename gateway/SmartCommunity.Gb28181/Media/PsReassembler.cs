namespace SmartCommunity.Gb28181.Media;

/// <summary>Counts of what a reassembler absorbed; each is a metric with its reason.</summary>
public sealed class ReassemblyCounts
{
    public long Packets { get; internal set; }
    public long Reordered { get; internal set; }
    public long Lost { get; internal set; }
    public long Duplicates { get; internal set; }
    public long Late { get; internal set; }
    public long WrongSsrc { get; internal set; }
    public long Malformed { get; internal set; }
}

/// <summary>
/// Puts the payloads of an RTP stream carrying MPEG-PS (GB/T 28181-2016 Appendix C, PS/90000) back in sequence order and
/// hands the PS bytes on. A packet that arrives out of order is held in a window of <see cref="Window"/> packets; a gap
/// still open when the window is full is given up as lost and the stream goes on (MPEG-PS resynchronises on the next pack
/// header, so the decoder loses a frame, not the stream). Duplicates and packets older than the window are dropped.
/// Not thread-safe: one receive loop per stream.
/// </summary>
public sealed class PsReassembler
{
    private readonly Action<ReadOnlySpan<byte>> _output;
    private readonly byte[]?[] _slots;
    private readonly int[] _lengths;
    private readonly uint? _expectedSsrc;
    private bool _started;
    private ushort _next;

    /// <param name="output">Receives PS bytes in order.</param>
    /// <param name="expectedSsrc">The SSRC the INVITE named (<c>y=</c>); packets with another are counted and dropped. Null accepts the first one seen.</param>
    /// <param name="window">Reorder window in packets (default 64, about 80 KB of 1.3 KB payloads).</param>
    public PsReassembler(Action<ReadOnlySpan<byte>> output, uint? expectedSsrc = null, int window = 64)
    {
        _output = output;
        _expectedSsrc = expectedSsrc;
        Window = window;
        _slots = new byte[window][];
        _lengths = new int[window];
    }

    public int Window { get; }

    public ReassemblyCounts Counts { get; } = new();

    /// <summary>Raised when a packet is given up as lost, before the bytes after the gap are handed on (the demuxer resynchronises).</summary>
    public event Action? Gap;

    /// <summary>The SSRC being reassembled (the expected one, or the first one seen).</summary>
    public uint? Ssrc { get; private set; }

    public void Add(ReadOnlySpan<byte> datagram)
    {
        if (!RtpPacket.TryParse(datagram, out var packet, out _))
        {
            Counts.Malformed++;
            return;
        }

        Add(packet);
    }

    public void Add(RtpPacket packet)
    {
        Ssrc ??= _expectedSsrc ?? packet.Ssrc;
        if (packet.Ssrc != Ssrc)
        {
            Counts.WrongSsrc++;
            return;
        }

        Counts.Packets++;
        if (!_started)
        {
            _started = true;
            _next = packet.Sequence;
        }

        var ahead = (short)(packet.Sequence - _next); // RFC 3550 Appendix A.1: sequence numbers wrap at 65536.
        if (ahead < 0)
        {
            Counts.Late++;
            return;
        }

        if (ahead == 0)
        {
            _output(packet.Payload);
            _next++;
            Drain();
            return;
        }

        // Out of order: hold it; if it lies beyond the window, give up the oldest gaps until it fits.
        while (ahead >= Window)
        {
            SkipOne();
            ahead = (short)(packet.Sequence - _next);
        }

        if (ahead == 0)
        {
            _output(packet.Payload);
            _next++;
            Drain();
            return;
        }

        var slot = packet.Sequence % Window;
        if (_slots[slot] is not null)
        {
            Counts.Duplicates++;
            return;
        }

        Counts.Reordered++;
        var copy = new byte[packet.Payload.Length];
        packet.Payload.CopyTo(copy);
        _slots[slot] = copy;
        _lengths[slot] = copy.Length;
    }

    /// <summary>Emits whatever is held, counting the gaps as lost (the stream ended or stalled).</summary>
    public void Flush()
    {
        for (var i = 0; i < Window && HasHeld(); i++)
        {
            SkipOne();
        }
    }

    private bool HasHeld()
    {
        foreach (var slot in _slots)
        {
            if (slot is not null)
            {
                return true;
            }
        }

        return false;
    }

    private void SkipOne()
    {
        var slot = _next % Window;
        if (_slots[slot] is { } held)
        {
            _output(held.AsSpan(0, _lengths[slot]));
            _slots[slot] = null;
        }
        else
        {
            Counts.Lost++;
            Gap?.Invoke();
        }

        _next++;
        Drain();
    }

    private void Drain()
    {
        while (_slots[_next % Window] is { } held)
        {
            var slot = _next % Window;
            _output(held.AsSpan(0, _lengths[slot]));
            _slots[slot] = null;
            _next++;
        }
    }
}
