namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// The gateway's way out to devices and terminals (commands, person alerts), the same in both broker modes.
/// Delivery to the device is confirmed by the device's own acknowledgement message, not by this call.
/// </summary>
public interface IDeviceBus
{
    /// <summary>True when a message published now can reach the broker.</summary>
    bool IsAvailable { get; }

    /// <exception cref="BusUnavailableException">The external broker is not connected.</exception>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qualityOfService, bool retain, CancellationToken cancellationToken);
}

public sealed class BusUnavailableException : Exception
{
    public BusUnavailableException()
        : base("The MQTT broker is not reachable.")
    {
    }

    public BusUnavailableException(string message)
        : base(message)
    {
    }

    public BusUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
