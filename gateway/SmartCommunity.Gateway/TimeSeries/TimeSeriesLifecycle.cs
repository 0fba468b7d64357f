using System.Diagnostics;
using Microsoft.Extensions.Options;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// Starts and stops the store. In embedded mode it runs the retention and roll-up pass every
/// <c>TimeSeries:Embedded:MaintenanceInterval</c> (counted on <c>/metrics</c>). It drains the writer in
/// <see cref="StoppedAsync"/>, which the host calls after every hosted service has stopped, so the ingest pipeline
/// has already handed over its last messages: what was accepted is written (or spooled) before the process ends.
/// </summary>
public sealed class TimeSeriesLifecycle : IHostedLifecycleService, IDisposable
{
    private readonly IPointWriter _writer;
    private readonly SqliteTimeSeriesStore? _embedded;
    private readonly TimeSeriesMetrics _metrics;
    private readonly TimeSpan _maintenanceInterval;
    private readonly TimeProvider _time;
    private readonly ILogger<TimeSeriesLifecycle> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _maintenance = Task.CompletedTask;
    private int _disposed;
    private Lazy<Task>? _drain;

    public TimeSeriesLifecycle(IServiceProvider services, IOptions<TimeSeriesOptions> options, TimeProvider time, ILogger<TimeSeriesLifecycle> logger)
    {
        _writer = services.GetRequiredService<IPointWriter>();
        _embedded = services.GetService<SqliteTimeSeriesStore>();
        _metrics = services.GetRequiredService<TimeSeriesMetrics>();
        _maintenanceInterval = options.Value.Embedded.MaintenanceInterval;
        _time = time;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_embedded is not null && _maintenanceInterval > TimeSpan.Zero)
        {
            _maintenance = Task.Run(MaintenanceLoopAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Drains the writer and closes the store. A WebApplication stopped from outside (a test host, a service manager)
    /// runs the host's stop twice at once — once for the caller, once in its own <c>RunAsync</c> — so this is called
    /// twice concurrently: both calls wait for the one drain, and neither returns before the spool is released.
    /// </summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var drain = new Lazy<Task>(DrainAsync);
        return (Interlocked.CompareExchange(ref _drain, drain, null) ?? drain).Value;
    }

    private async Task DrainAsync()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stopping.CancelAsync();
        }

        await _maintenance;
        await _writer.DisposeAsync();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }

    /// <summary>Called twice by the container (once as itself, once as a hosted service); only the first counts.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>One retention and roll-up pass, counted (tests call it instead of waiting for the timer).</summary>
    internal async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _embedded!.RunMaintenanceAsync(cancellationToken);
            _metrics.MaintenanceDone(Stopwatch.GetElapsedTime(started), failed: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.MaintenanceDone(Stopwatch.GetElapsedTime(started), failed: true);
            _logger.LogError(ex, "Embedded time-series retention pass failed; it is tried again next interval");
        }
    }

    private async Task MaintenanceLoopAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await Task.Delay(_maintenanceInterval, _time, _stopping.Token);
                await RunMaintenanceAsync(_stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
