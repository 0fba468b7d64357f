using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Devices;

/// <summary>
/// A device's live state next to its registration. The ingest worker that owns the device (chosen by a hash
/// of its ID) is the only writer of <see cref="Sequence"/>; the other fields are read by APIs and written
/// with volatile semantics.
/// </summary>
public sealed class DeviceRuntime
{
    private Device _device;
    private long _lastSeenUnixMs;
    private int _online;

    public DeviceRuntime(Device device, string secretHash)
    {
        _device = device;
        SecretHash = secretHash;
    }

    public Device Device => Volatile.Read(ref _device);

    public string Id => _device.Id;

    /// <summary>Which ingest worker owns this device; fixed for the life of the process.</summary>
    public int Partition { get; set; }

    public string SecretHash { get; internal set; }

    /// <summary>SHA-256 of the last secret that passed PBKDF2, so reconnect storms cost one hash each.</summary>
    internal byte[]? VerifiedSecretDigest { get; set; }

    public SequenceWindow Sequence { get; } = new();

    public long LastSeenUnixMs => Interlocked.Read(ref _lastSeenUnixMs);

    public bool Online => Volatile.Read(ref _online) == 1;

    /// <summary>When the MQTT connection of this device is up (embedded broker) or its last status said online.</summary>
    public bool Connected { get; internal set; }

    private long _messagesAccepted;
    private long _messagesRejected;

    public long MessagesAccepted => Interlocked.Read(ref _messagesAccepted);

    public long MessagesRejected => Interlocked.Read(ref _messagesRejected);

    internal void CountAccepted() => Interlocked.Increment(ref _messagesAccepted);

    internal void CountRejected() => Interlocked.Increment(ref _messagesRejected);

    private long _clockSuspect;
    private long _lastSuspectDeviceTs;
    private long _lastSuspectReceivedMs;

    /// <summary>Messages kept with the receive time because this device's own timestamp was implausible.</summary>
    public long ClockSuspectCount => Interlocked.Read(ref _clockSuspect);

    /// <summary>The last implausible device timestamp and when it arrived (Unix ms; 0 when never).</summary>
    public (long DeviceTs, long ReceivedMs) LastClockSuspect => (Interlocked.Read(ref _lastSuspectDeviceTs), Interlocked.Read(ref _lastSuspectReceivedMs));

    internal void CountClockSuspect(long deviceTs, long receivedMs)
    {
        Interlocked.Exchange(ref _lastSuspectDeviceTs, deviceTs);
        Interlocked.Exchange(ref _lastSuspectReceivedMs, receivedMs);
        Interlocked.Increment(ref _clockSuspect);
    }

    private long _clockRightSinceMs;

    /// <summary>When a message with a plausible time first arrived after the last implausible one (Unix ms; 0 while none has).</summary>
    public long ClockRightSinceMs
    {
        get
        {
            var since = Interlocked.Read(ref _clockRightSinceMs);
            return since > Interlocked.Read(ref _lastSuspectReceivedMs) ? since : 0;
        }
    }

    /// <summary>A plausible time from a device that once had a bad clock: its clock was set (or fixed itself).</summary>
    internal void ClockRight(long receivedMs)
    {
        if (ClockRightSinceMs == 0)
        {
            Interlocked.Exchange(ref _clockRightSinceMs, receivedMs);
        }
    }

    internal void Update(Device device) => Volatile.Write(ref _device, device);

    internal void MarkSeen(long unixMs) => Interlocked.Exchange(ref _lastSeenUnixMs, unixMs);

    /// <summary>Sets online state; returns true when it changed.</summary>
    internal bool SetOnline(bool online) => Interlocked.Exchange(ref _online, online ? 1 : 0) != (online ? 1 : 0);
}
