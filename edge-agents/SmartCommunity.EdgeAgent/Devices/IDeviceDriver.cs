namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>
/// Talks to one device (or simulates it). The host creates one instance per configured device, calls
/// <see cref="RunAsync"/> once and restarts it (after a pause) if it throws. A driver that also takes commands
/// implements <see cref="ICommandHandler"/>.
/// </summary>
public interface IDeviceDriver
{
    /// <summary>
    /// Reads the device and publishes through <paramref name="context"/> until <paramref name="cancellationToken"/>
    /// is cancelled. The driver never needs to know whether the broker is reachable: publishing stores the message.
    /// </summary>
    Task RunAsync(IDeviceContext context, CancellationToken cancellationToken);
}
