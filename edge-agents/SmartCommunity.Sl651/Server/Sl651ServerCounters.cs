using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Server;

/// <summary>Running totals of one <see cref="Sl651TcpServer"/>; safe to read from any thread.</summary>
public sealed class Sl651ServerCounters
{
    private readonly long[] _rejects = new long[Enum.GetValues<Sl651RejectReason>().Length];
    private long _connectionsAccepted;
    private long _connectionsRefused;
    private long _activeConnections;
    private long _idleTimeouts;
    private long _connectionFaults;
    private long _framesAccepted;
    private long _keepAlives;
    private long _reportsDelivered;
    private long _reportsDropped;
    private long _acksSent;
    private long _garbageBytes;
    private long _clockSetsSent;
    private long _clockSetsConfirmed;

    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

    /// <summary>Connections closed on arrival because <see cref="Sl651ServerOptions.MaxConnections"/> were open.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);

    public long ActiveConnections => Interlocked.Read(ref _activeConnections);

    public long IdleTimeouts => Interlocked.Read(ref _idleTimeouts);

    /// <summary>Connections ended by an unexpected exception (a bug, or an <c>onRejected</c> callback that threw).</summary>
    public long ConnectionFaults => Interlocked.Read(ref _connectionFaults);

    /// <summary>Frames that passed framing and CRC checks.</summary>
    public long FramesAccepted => Interlocked.Read(ref _framesAccepted);

    public long KeepAlives => Interlocked.Read(ref _keepAlives);

    public long ReportsDelivered => Interlocked.Read(ref _reportsDelivered);

    /// <summary>Reports parsed but not acknowledged because the report channel was full or closed.</summary>
    public long ReportsDropped => Interlocked.Read(ref _reportsDropped);

    public long AcksSent => Interlocked.Read(ref _acksSent);

    /// <summary>Set-clock commands (4A) sent to stations whose reports' send time was off (see
    /// <see cref="Sl651ServerOptions.SetClockWhenOffBy"/>).</summary>
    public long ClockSetsSent => Interlocked.Read(ref _clockSetsSent);

    /// <summary>Stations' answers to a set-clock command.</summary>
    public long ClockSetsConfirmed => Interlocked.Read(ref _clockSetsConfirmed);

    /// <summary>Bytes skipped while looking for 7E 7E, including the rest of each rejected frame.</summary>
    public long GarbageBytes => Interlocked.Read(ref _garbageBytes);

    public long Rejects(Sl651RejectReason reason) => Interlocked.Read(ref _rejects[(int)reason]);

    public long TotalRejects
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _rejects.Length; i++)
            {
                total += Interlocked.Read(ref _rejects[i]);
            }

            return total;
        }
    }

    internal void ConnectionAccepted()
    {
        Interlocked.Increment(ref _connectionsAccepted);
        Interlocked.Increment(ref _activeConnections);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _activeConnections);

    internal void ConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);

    internal void IdleTimeout() => Interlocked.Increment(ref _idleTimeouts);

    internal void ConnectionFault() => Interlocked.Increment(ref _connectionFaults);

    internal void FrameAccepted() => Interlocked.Increment(ref _framesAccepted);

    internal void KeepAlive() => Interlocked.Increment(ref _keepAlives);

    internal void ReportDelivered() => Interlocked.Increment(ref _reportsDelivered);

    internal void ReportDropped() => Interlocked.Increment(ref _reportsDropped);

    internal void AckSent() => Interlocked.Increment(ref _acksSent);

    internal void ClockSetSent() => Interlocked.Increment(ref _clockSetsSent);

    internal void ClockSetConfirmed() => Interlocked.Increment(ref _clockSetsConfirmed);

    internal void Garbage(long bytes) => Interlocked.Add(ref _garbageBytes, bytes);

    internal void Rejected(Sl651RejectReason reason) => Interlocked.Increment(ref _rejects[(int)reason]);
}
