using System.Runtime.CompilerServices;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.DoorAccess.Events;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Video.Events;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Video.Retention;
using SmartCommunity.Gateway.VideoAnalysis;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Discharge;

namespace SmartCommunity.Gateway.Operations;

/// <summary>A background service the supervisor may start again after it faulted (its loop keeps no state a fault could corrupt).</summary>
public interface IRestartableService;

/// <summary>
/// A background service whose loop returns at once by design when its feature is switched off (cluster mode in a
/// single gateway, say): finished is not failed, and <c>/health</c> stays healthy.
/// </summary>
public interface IOptionalService;

/// <summary>One background service that is not running as it should, as <c>/health</c> shows it.</summary>
public sealed record ServiceProblem(string Name, string State, string? Error, int Restarts);

/// <summary>
/// Watches every <see cref="BackgroundService"/> in the host. One whose loop faulted, or returned while the gateway
/// runs, is reported by name in <c>/health</c> (unhealthy) and in <c>sc_service_up{service}</c>; one known to be safe
/// is started again with a back-off (1 s doubling to 1 min), counted in <c>sc_service_restarts_total{service}</c>.
/// The host is told to ignore a faulted service (see <c>AddGatewayInfrastructure</c>), so one feature's bug no
/// longer stops the process and with it every other feature (issue 19).
/// </summary>
public sealed partial class ServiceSupervisor : BackgroundService
{
    /// <summary>
    /// Existing services whose loop may simply run again: each reads a channel or a timer and keeps its state in
    /// fields that outlive a run, so a restart loses at most the batch the fault interrupted.
    /// </summary>
    private static readonly HashSet<Type> KnownRestartable =
    [
        typeof(DevicePresence), typeof(DoorEventLog), typeof(CameraEventIndex), typeof(FootageRetention),
        typeof(CameraDownAlerts), typeof(DischargeScheduler), typeof(WarningCommandSender),
    ];

    /// <summary>Services that return at once by design when their feature is switched off: finished is not failed.</summary>
    private static readonly HashSet<Type> MayFinish = [typeof(VideoAnalysisService), typeof(RecordingSupervisor)];

    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private readonly IServiceProvider _services;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly MetricsRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceSupervisor> _logger;
    private readonly ConditionalWeakTable<BackgroundService, RestartState> _restarts = new();
    private readonly Lock _lock = new();
    private BackgroundService[]? _watched;

    public ServiceSupervisor(IServiceProvider services, IHostApplicationLifetime lifetime, MetricsRegistry registry, TimeProvider time, ILogger<ServiceSupervisor> logger)
    {
        _services = services;
        _lifetime = lifetime;
        _registry = registry;
        _time = time;
        _logger = logger;
    }

    /// <summary>Services that faulted or stopped while the gateway runs; empty when all is well.</summary>
    public IReadOnlyList<ServiceProblem> Problems()
    {
        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return [];
        }

        var problems = new List<ServiceProblem>();
        foreach (var service in Watched())
        {
            if (StateOf(service) is { } state)
            {
                var error = service.ExecuteTask?.Exception?.GetBaseException();
                problems.Add(new ServiceProblem(NameOf(service), state, error is null ? null : $"{error.GetType().Name}: {error.Message}", RestartsOf(service).Count));
            }
        }

        return problems;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not in the constructor: the supervisor is itself one of the hosted services.
        foreach (var service in Watched())
        {
            var watched = service;
            _registry.Gauge("sc_service_up", "1 while a background service runs (or finished by design), 0 after it faulted or stopped.",
                () => StateOf(watched) is null ? 1 : 0, ("service", NameOf(watched)));
        }

        using var timer = new PeriodicTimer(CheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RestartFailedAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: services are stopped by the host, nothing to restart.
        }
    }

    private async Task RestartFailedAsync(CancellationToken stoppingToken)
    {
        foreach (var service in Watched())
        {
            if (stoppingToken.IsCancellationRequested || _lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }

            if (StateOf(service) is null || !IsRestartable(service))
            {
                continue;
            }

            var restarts = RestartsOf(service);
            var now = _time.GetUtcNow();
            if (now < restarts.NotBefore)
            {
                continue;
            }

            restarts.Count++;
            var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, TimeSpan.FromSeconds(1).Ticks << Math.Min(restarts.Count - 1, 16)));
            restarts.NotBefore = now + backoff;
            _registry.Counter("sc_service_restarts_total", "Background services started again after they faulted or stopped.", ("service", NameOf(service))).Inc();
            LogRestart(_logger, NameOf(service), restarts.Count, service.ExecuteTask?.Exception?.GetBaseException().Message ?? "stopped");
            try
            {
                await service.StartAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogRestartFailed(_logger, NameOf(service), ex);
            }
        }
    }

    /// <summary>Null while running (or not yet started, or finished by design); else "faulted" or "stopped".</summary>
    private string? StateOf(BackgroundService service)
    {
        var task = service.ExecuteTask;
        if (task is null || !task.IsCompleted || ReferenceEquals(service, this))
        {
            return null;
        }

        if (task.IsFaulted)
        {
            return "faulted";
        }

        return (service is IOptionalService || MayFinish.Contains(service.GetType())) && task.IsCompletedSuccessfully ? null : "stopped";
    }

    private static bool IsRestartable(BackgroundService service) => service is IRestartableService || KnownRestartable.Contains(service.GetType());

    private static string NameOf(BackgroundService service) => service.GetType().Name;

    private RestartState RestartsOf(BackgroundService service) => _restarts.GetValue(service, static _ => new RestartState());

    private BackgroundService[] Watched()
    {
        lock (_lock)
        {
            return _watched ??= _services.GetServices<IHostedService>().OfType<BackgroundService>().Where(s => !ReferenceEquals(s, this)).ToArray();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background service {Service} is not running; starting it again (restart {Count}): {Reason}")]
    private static partial void LogRestart(ILogger logger, string service, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Background service {Service} could not be started again")]
    private static partial void LogRestartFailed(ILogger logger, string service, Exception ex);

    private sealed class RestartState
    {
        public int Count { get; set; }

        public DateTimeOffset NotBefore { get; set; }
    }
}
