using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Commands;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Diagnostics;
using SmartCommunity.EdgeAgent.Mqtt;
using SmartCommunity.EdgeAgent.Queue;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>
/// Everything one hosted device has: its boot counter and queue in <c>{DataDirectory}/{id}/</c>, its publisher,
/// its own MQTT connection, its command dispatcher and its driver (restarted after a pause if it throws).
/// </summary>
public sealed class DeviceRuntime : IAsyncDisposable
{
    private static readonly TimeSpan DriverRestartDelay = TimeSpan.FromSeconds(5);

    private readonly IDeviceDriver _driver;
    private readonly DiskOutbox _outbox;
    private readonly DeviceConnection _connection;
    private readonly CommandDispatcher _commands;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FileStream _directoryLock;

    internal DeviceRuntime(DeviceOptions device, BrokerOptions broker, AgentOptions agent, QueueOptions queue, IDeviceDriver driver, TimeProvider time, ILoggerFactory loggers)
    {
        Device = device;
        _driver = driver;
        _time = time;
        _logger = loggers.CreateLogger("SmartCommunity.EdgeAgent.Device");
        var directory = Path.Combine(Path.GetFullPath(agent.DataDirectory), device.Id);
        Directory.CreateDirectory(directory);
        _directoryLock = LockDirectory(directory, device.Id);
        try
        {
            Boot = BootCounter.Next(Path.Combine(directory, "boot"));
            _outbox = DiskOutbox.Open(Path.Combine(directory, "outbox"), queue, loggers.CreateLogger<DiskOutbox>());
        }
        catch
        {
            _directoryLock.Dispose();
            throw;
        }

        Publisher = new DevicePublisher(_outbox, Boot, time);
        Context = new DeviceContext(device.Id, device.ParsedKind, device.Settings, Publisher, time, loggers.CreateLogger("SmartCommunity.EdgeAgent.Driver." + device.Driver));
        _commands = new CommandDispatcher(device.Id, driver as ICommandHandler, Publisher, Counters, agent.MaxConcurrentCommands, time, _logger);
        _connection = new DeviceConnection(device, broker, _outbox, Counters, Boot, _commands.Receive, time, loggers.CreateLogger<DeviceConnection>());
    }

    public DeviceOptions Device { get; }

    public long Boot { get; }

    public DeviceCounters Counters { get; } = new();

    public DevicePublisher Publisher { get; }

    public IDeviceContext Context { get; }

    public bool IsConnected => _connection.IsConnected;

    public CountersSnapshot Snapshot() => CountersSnapshot.From(Device.Id, _connection.IsConnected, Counters, _outbox.Counters);

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_connection.RunAsync(cancellationToken), SuperviseDriverAsync(cancellationToken));

    public async ValueTask DisposeAsync()
    {
        await _commands.DisposeAsync();
        _outbox.Dispose();
        await _directoryLock.DisposeAsync();
        if (_driver is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (_driver is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    /// <summary>
    /// Two processes appending to one queue would corrupt it (and fight over one MQTT client ID), so each device's
    /// directory is held with an exclusive lock for the agent's lifetime.
    /// </summary>
    private static FileStream LockDirectory(string directory, string deviceId)
    {
        try
        {
            return new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"Device {deviceId}: its data directory {directory} is in use by another agent process; a device may be hosted by one agent only.", ex);
        }
    }

    private async Task SuperviseDriverAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _driver.RunAsync(Context, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A driver failure must not stop the device's queue or the other devices.
                Counters.OnDriverRestarted();
                _logger.LogError(ex, "Device {DeviceId}: driver {Driver} failed; restarting it in {Delay}.", Device.Id, Device.Driver, DriverRestartDelay);
            }

            try
            {
                await Task.Delay(DriverRestartDelay, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
