using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Diagnostics;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;
using SmartCommunity.Sl651.Server;

namespace SmartCommunity.EdgeAgent.Drivers.Sl651;

/// <summary>
/// One <see cref="Sl651TcpServer"/> shared by every <c>sl651</c> device configured on its endpoint. It routes each
/// report to the device that owns the station address; a report from any other station is refused (not
/// acknowledged, so the RTU keeps it and resends once the station is configured) and counted.
/// </summary>
public sealed class Sl651Listener : IAsyncDisposable
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Sl651StationAddress, Route> _routes = new();
    private readonly Sl651TcpServer _server;
    private readonly ILogger _logger;
    private readonly LogThrottle _rejectLog;
    private readonly LogThrottle _unknownLog;
    private long _unknownStationReports;

    internal Sl651Listener(Sl651ServerOptions options, TimeProvider time, ILogger logger)
    {
        Options = options;
        EndPoint = options.ToEndPoint();
        _logger = logger;
        _rejectLog = new LogThrottle(time, LogInterval);
        _unknownLog = new LogThrottle(time, LogInterval);
        _server = new Sl651TcpServer(options, new Router(this), time, OnRejected);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// The server's counters: connections, frames, acks, and rejected frames per reason
    /// (<c>Rejects(Sl651RejectReason.CrcMismatch)</c> …). <c>ReportsDropped</c> includes the unknown-station reports.
    /// </summary>
    public Sl651ServerCounters Counters => _server.Counters;

    /// <summary>Reports refused because no device here owns their station address.</summary>
    public long UnknownStationReports => Interlocked.Read(ref _unknownStationReports);

    internal Sl651ServerOptions Options { get; }

    internal bool IsEmpty => _routes.IsEmpty;

    private bool _started;

    internal void Start()
    {
        _server.Start();
        _started = true;
    }

    /// <summary>Stops accepting, closes the connections and logs the listener's totals.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        if (!_started)
        {
            return;
        }

        var c = Counters;
        _logger.LogInformation(
            "SL 651 listener {EndPoint} stopped: {Connections} connections, {Reports} reports, {Acks} acks, {Rejected} frames rejected, {Unknown} reports from unknown stations, {Garbage} garbage bytes.",
            EndPoint, c.ConnectionsAccepted, c.ReportsDelivered, c.AcksSent, c.TotalRejects, UnknownStationReports, c.GarbageBytes);
    }

    /// <summary>Claims the stations for a device; returns the first station some other device already owns.</summary>
    internal Sl651StationAddress? TryAdd(IReadOnlyList<Sl651StationAddress> stations, string deviceId, ChannelWriter<Sl651Report> reports)
    {
        foreach (var station in stations)
        {
            // Even for the same device ID: a driver releases its stations before it is restarted.
            if (_routes.ContainsKey(station))
            {
                return station;
            }
        }

        foreach (var station in stations)
        {
            _routes[station] = new Route(deviceId, reports);
        }

        return null;
    }

    internal void Remove(IReadOnlyList<Sl651StationAddress> stations, ChannelWriter<Sl651Report> reports)
    {
        foreach (var station in stations)
        {
            // Only our own route: a restarted driver may already have claimed the station again.
            if (_routes.TryGetValue(station, out var route) && ReferenceEquals(route.Reports, reports))
            {
                _routes.TryRemove(KeyValuePair.Create(station, route));
            }
        }
    }

    private bool Deliver(Sl651Report report)
    {
        if (_routes.TryGetValue(report.StationAddress, out var route))
        {
            // False when the device's queue is full: the server then sends no ack and the RTU resends later.
            return route.Reports.TryWrite(report);
        }

        Interlocked.Increment(ref _unknownStationReports);
        if (_unknownLog.ShouldLog(out var suppressed))
        {
            _logger.LogWarning(
                "SL 651 report from unknown station {Station} on {EndPoint} refused; add it to a device's Stations ({Suppressed} more unknown-station reports since the last message).",
                report.StationAddress, EndPoint, suppressed);
        }

        return false;
    }

    private void OnRejected(Sl651Rejection rejection, EndPoint? peer)
    {
        // Runs on the connection's task for every bad frame: a line a minute at most, with a count of the rest.
        if (_rejectLog.ShouldLog(out var suppressed))
        {
            _logger.LogWarning(
                "SL 651 frame from {Peer} on {EndPoint} rejected: {Rejection} ({Suppressed} more rejections since the last message; {Total} in all).",
                peer, EndPoint, rejection, suppressed, Counters.TotalRejects);
        }
        else
        {
            _logger.LogDebug("SL 651 frame from {Peer} on {EndPoint} rejected: {Rejection}", peer, EndPoint, rejection);
        }
    }

    private sealed record Route(string DeviceId, ChannelWriter<Sl651Report> Reports);

    /// <summary>The server's report channel: routes by station instead of queueing.</summary>
    private sealed class Router(Sl651Listener owner) : ChannelWriter<Sl651Report>
    {
        public override bool TryWrite(Sl651Report item) => owner.Deliver(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }
}
