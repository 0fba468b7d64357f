using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Queue;

namespace SmartCommunity.EdgeAgent.Hosting;

/// <summary>
/// Starts one <see cref="DeviceRuntime"/> per configured device. Opening the data directory happens in
/// <see cref="StartAsync"/>, so an unwritable directory fails the start instead of a device silently.
/// </summary>
public sealed class EdgeAgentService(
    IServiceProvider services,
    IOptions<BrokerOptions> broker,
    IOptions<AgentOptions> agent,
    IOptions<QueueOptions> queue,
    IOptions<DevicesOptions> devices,
    DriverRegistry drivers,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly List<DeviceRuntime> _runtimes = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public IReadOnlyList<DeviceRuntime> Devices => _runtimes;

    public DeviceRuntime this[string deviceId] => _runtimes.First(r => r.Device.Id == deviceId);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger<EdgeAgentService>();
        foreach (var device in devices.Value.Devices)
        {
            drivers.TryGet(device.Driver, out var registration);
            var driver = registration!.Create(services);
            _runtimes.Add(new DeviceRuntime(device, broker.Value, agent.Value, queue.Value, driver, time, loggers));
            logger.LogInformation("Hosting {Device}, boot {Boot}.", device, _runtimes[^1].Boot);
        }

        _running = Task.WhenAll(_runtimes.Select(r => Task.Run(() => r.RunAsync(_stopping.Token), CancellationToken.None)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this twice: as itself and as the hosted service the factory returned.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        try
        {
            await _running;
        }
        finally
        {
            foreach (var runtime in _runtimes)
            {
                await runtime.DisposeAsync();
            }

            _stopping.Dispose();
        }
    }
}
