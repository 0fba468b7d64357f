namespace SmartCommunity.EdgeAgent.Diagnostics;

/// <summary>Counters of one device's connection and command path; the queue keeps its own (<see cref="Queue.QueueCounters"/>).</summary>
public sealed class DeviceCounters
{
    private long _published;
    private long _replayed;
    private long _reconnects;
    private long _brokerRejected;
    private long _commandsReceived;
    private long _commandsMalformed;
    private long _commandsExpired;
    private long _driverRestarts;

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Messages published that were already queued when the connection came up (sent after an outage or restart).</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Connections made after the first one.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Messages the broker refused for good (e.g. not authorised), removed so they do not block the queue.</summary>
    public long BrokerRejected => Interlocked.Read(ref _brokerRejected);

    public long CommandsReceived => Interlocked.Read(ref _commandsReceived);

    public long CommandsMalformed => Interlocked.Read(ref _commandsMalformed);

    public long CommandsExpired => Interlocked.Read(ref _commandsExpired);

    public long DriverRestarts => Interlocked.Read(ref _driverRestarts);

    internal void OnPublished(bool replayed)
    {
        Interlocked.Increment(ref _published);
        if (replayed)
        {
            Interlocked.Increment(ref _replayed);
        }
    }

    internal void OnReconnected() => Interlocked.Increment(ref _reconnects);

    internal void OnBrokerRejected() => Interlocked.Increment(ref _brokerRejected);

    internal void OnCommandReceived() => Interlocked.Increment(ref _commandsReceived);

    internal void OnCommandMalformed() => Interlocked.Increment(ref _commandsMalformed);

    internal void OnCommandExpired() => Interlocked.Increment(ref _commandsExpired);

    internal void OnDriverRestarted() => Interlocked.Increment(ref _driverRestarts);
}
