namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// Follows the MQTT framing of a connection's incoming bytes (fixed header byte, Remaining Length varint, body) as
/// they are handed to MQTTnet, and refuses a packet that declares more than <see cref="Limit"/> bytes, before MQTTnet
/// has seen the last byte of its length.
/// </summary>
/// <remarks>
/// Why here (issue 19): MQTTnet's channel adapter allocates the whole body (<c>new byte[remainingLength]</c>) as soon as
/// it has decoded the length, then reads it; its packet-size checks, and ours in the ingest pipeline, come after.
/// Eight connections that never logged in, each declaring a 128 MB CONNECT, took the gateway to 1.1 GB. Cutting the
/// connection as the length is read bounds every connection's memory by <see cref="Limit"/>: small until CONNECT is
/// accepted, the largest allowed payload plus headers after it (MQTT 5.0 §3.1.2.11.4, §3.2.2.3.6: a packet larger
/// than the Maximum Packet Size is a protocol error and the receiver closes the connection).
/// The length is at most four bytes (MQTT 3.1.1 §2.2.3, 5.0 §1.5.5); a fifth continuation byte is malformed.
/// Not thread-safe: one reader at a time, as MQTTnet's receive loop is.
/// </remarks>
internal sealed class MqttFrameGuard(int limit)
{
    private State _state;
    private int _length;
    private int _lengthBytes;
    private int _remaining;

    private enum State
    {
        FixedHeader,
        Length,
        Body,
    }

    /// <summary>Largest Remaining Length accepted, bytes. Raised once CONNECT is accepted.</summary>
    public int Limit { get; set; } = limit;

    /// <summary>The Remaining Length of the packet that was refused (or the part of it read), for the log.</summary>
    public long Refused { get; private set; }

    /// <summary>Follows <paramref name="bytes"/>; false if they declare a packet over the limit or a malformed length.</summary>
    public bool Inspect(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.FixedHeader:
                    i++;
                    _state = State.Length;
                    _length = 0;
                    _lengthBytes = 0;
                    break;
                case State.Length:
                    var b = bytes[i++];
                    _length |= (b & 0x7F) << (7 * _lengthBytes);
                    _lengthBytes++;
                    // Later length bytes only add to it: refuse as soon as it is too large, before it is complete.
                    if (_length > Limit || ((b & 0x80) != 0 && _lengthBytes == 4))
                    {
                        Refused = _length;
                        return false;
                    }

                    if ((b & 0x80) == 0)
                    {
                        _remaining = _length;
                        _state = _remaining == 0 ? State.FixedHeader : State.Body;
                    }

                    break;
                default:
                    var take = Math.Min(_remaining, bytes.Length - i);
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.FixedHeader;
                    }

                    break;
            }
        }

        return true;
    }
}
