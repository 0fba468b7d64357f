using System.Net;
using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Server;

/// <summary>Settings for <see cref="Sl651TcpServer"/>; bind to a section such as <c>Sl651</c> and call <see cref="Validate"/>.</summary>
public sealed class Sl651ServerOptions
{
    /// <summary>Address to listen on. Default <c>0.0.0.0</c> (all IPv4 interfaces).</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port. SL 651 fixes none; default 5005. 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 5005;

    /// <summary>Connections served at once; further ones are accepted and closed at once. Default 256.</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Largest frame accepted, in bytes. Default and maximum 4112 (12-bit body length + 17 bytes overhead).</summary>
    public int MaxFrameSize { get; set; } = Sl651FrameLayout.MaxFrameSize;

    /// <summary>A connection that sends nothing for this long is closed. Default 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Zone of the stations' clocks, used for BCD times in and out. Default UTC+8 (Beijing time).</summary>
    public TimeSpan StationUtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// End char of acknowledgements: EOT (04, default) lets the RTU hang up, ESC (1B) asks it to stay online
    /// (SL 651-2014 "帧控制字符定义").
    /// </summary>
    public byte AckEndChar { get; set; } = Sl651ControlChars.Eot;

    /// <summary>Whether to answer 2F link keep-alive frames too. Default false: they are counted, not answered.</summary>
    public bool AcknowledgeKeepAlive { get; set; }

    /// <summary>
    /// A report whose send time is further than this from the centre's clock gets its acknowledgement ended by ESC
    /// (stay online) and then a set-clock command (function 4A) with the centre's time, so a station with a wrong
    /// clock is corrected where SL 651 allows it. Null (default, for now): never; 5 minutes is a sensible value.
    /// Off by default because the agent's station driver and its tests do not expect the extra frame yet.
    /// </summary>
    public TimeSpan? SetClockWhenOffBy { get; set; }

    public IPEndPoint ToEndPoint() => new(IPAddress.Parse(ListenAddress), Port);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            throw new ArgumentException($"ListenAddress '{ListenAddress}' is not an IP address.", nameof(ListenAddress));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, Sl651FrameLayout.Overhead + 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxFrameSize, Sl651FrameLayout.MaxFrameSize);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
        if (SetClockWhenOffBy is { } off && off <= TimeSpan.Zero)
        {
            throw new ArgumentException("SetClockWhenOffBy must be positive (or null: never).", nameof(SetClockWhenOffBy));
        }

        if (AckEndChar is not (Sl651ControlChars.Eot or Sl651ControlChars.Esc))
        {
            throw new ArgumentException("AckEndChar must be EOT (0x04) or ESC (0x1B).", nameof(AckEndChar));
        }
    }
}
