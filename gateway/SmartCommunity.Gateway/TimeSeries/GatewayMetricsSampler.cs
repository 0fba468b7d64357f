using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// Every <c>TimeSeries:MetricsInterval</c> writes the gateway's own health as points: messages received and accepted
/// per class, rejects per reason (as counts over the interval and per second, so both stores chart them without
/// derivatives), and devices online per kind.
/// </summary>
public sealed class GatewayMetricsSampler : BackgroundService
{
    private readonly IngestMetrics _ingest;
    private readonly DeviceRegistry _devices;
    private readonly IPointWriter _writer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly long[] _received;
    private readonly long[] _accepted;
    private readonly long[] _rejected;

    public GatewayMetricsSampler(IngestMetrics ingest, DeviceRegistry devices, IPointWriter writer, TimeProvider time, IOptions<TimeSeriesOptions> options)
    {
        _ingest = ingest;
        _devices = devices;
        _writer = writer;
        _time = time;
        _interval = options.Value.MetricsInterval;
        _received = new long[Enum.GetValues<MessageClass>().Length];
        _accepted = new long[_received.Length];
        _rejected = new long[Enum.GetValues<RejectReason>().Length];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first sample is a baseline: counts from before the start are not charted as one burst.
        Sample(write: false);
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sample(write: true);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes one sample now (tests call it instead of waiting for the timer).</summary>
    internal void Sample(bool write)
    {
        var now = _time.GetUtcNow();
        var seconds = _interval.TotalSeconds;
        foreach (var c in Enum.GetValues<MessageClass>())
        {
            var received = Delta(_received, (int)c, _ingest.Received(c).Value);
            var accepted = Delta(_accepted, (int)c, _ingest.Accepted(c).Value);
            if (write)
            {
                _writer.TryWrite(new Point(SeriesNames.GatewayIngest).Tag("class", IngestMetrics.ClassLabel(c))
                    .Field("received", received).Field("accepted", accepted).Field("accepted_per_s", accepted / seconds).At(now));
            }
        }

        foreach (var r in RejectReasons.All)
        {
            var rejected = Delta(_rejected, (int)r, _ingest.Rejected(r).Value);
            if (write && rejected > 0)
            {
                _writer.TryWrite(new Point(SeriesNames.GatewayRejects).Tag("reason", r.Label())
                    .Field("rejected", rejected).Field("rejected_per_s", rejected / seconds).At(now));
            }
        }

        if (write)
        {
            foreach (var kind in Enum.GetValues<DeviceKind>())
            {
                long online = 0, total = 0;
                foreach (var device in _devices.All)
                {
                    if (device.Device.Kind == kind)
                    {
                        total++;
                        online += device.Online ? 1 : 0;
                    }
                }

                _writer.TryWrite(new Point(SeriesNames.GatewayDevices).Tag(SeriesNames.KindTag, kind.ToWireName())
                    .Field("online", online).Field("total", total).At(now));
            }
        }
    }

    private static long Delta(long[] last, int index, long current)
    {
        var delta = Math.Max(0, current - last[index]);
        last[index] = current;
        return delta;
    }
}
