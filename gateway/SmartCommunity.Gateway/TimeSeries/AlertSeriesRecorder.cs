using System.Text.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Live;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// Writes the <c>alert</c> series (docs/timeseries.md): one durable point per raised alert, tagged with its level,
/// type and cell, at the time it was raised. It listens to the alerts engine's live stream (the engine's only
/// outward event feed), so the alerts feature needs no knowledge of time series.
/// </summary>
/// <remarks>
/// What may be missed, and where it is counted: the live stream keeps <see cref="LiveHub.ViewerQueue"/> events per
/// listener and drops the oldest beyond that (<c>sc_live_dropped_total</c>), so a burst of more than that many alert
/// changes between two reads loses points; an alert raised and closed within one engine batch reaches the stream as
/// its last change only and is not counted. The alerts themselves are stored by the engine either way; this is a chart.
/// </remarks>
public sealed class AlertSeriesRecorder : BackgroundService
{
    private readonly LiveSubscription _subscription;
    private readonly IPointWriter _writer;
    private readonly ILogger<AlertSeriesRecorder> _logger;

    public AlertSeriesRecorder(LiveHub live, IPointWriter writer, ILogger<AlertSeriesRecorder> logger)
    {
        // Subscribed at construction, before any hosted service starts, so alerts raised at start are seen.
        _subscription = live.Subscribe(CellScope.Everything, topics: new HashSet<string>(StringComparer.Ordinal) { "alert" });
        _writer = writer;
        _logger = logger;
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var liveEvent in _subscription.Reader.ReadAllAsync(stoppingToken))
            {
                Record(liveEvent);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Record(LiveEvent liveEvent)
    {
        AlertLiveEvent? change;
        try
        {
            change = JsonSerializer.Deserialize(liveEvent.Json, AlertsJsonContext.Default.AlertLiveEvent);
        }
        catch (JsonException ex)
        {
            _logger.LogError(ex, "An alert live event could not be read; it is not charted");
            return;
        }

        if (change is not { Change: "raised", Alert: { } alert })
        {
            return;
        }

        try
        {
            var point = new Point(SeriesNames.Alert, Durability.Durable)
                .Tag("level", AlertNames.Of(alert.Level)).Tag("type", alert.Type).Field("count", 1L).At(alert.RaisedAt);
            if (!string.IsNullOrEmpty(alert.CellId))
            {
                point.Tag(SeriesNames.CellTag, alert.CellId);
            }

            _writer.TryWrite(point); // false: refused and counted by the writer (sc_timeseries_durable_refused)
        }
        catch (ArgumentException ex)
        {
            _logger.LogWarning(ex, "Alert {Id} of type {Type} cannot be a time-series point", alert.Id, alert.Type);
        }
    }
}
