using System.Collections.Concurrent;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>A driver that publishes nothing by itself (tests publish through the device's context) and records commands.</summary>
public sealed class ManualDriver : IDeviceDriver, ICommandHandler
{
    public const string Name = "manual";

    public ConcurrentQueue<CommandMessage> Commands { get; } = new();

    public Func<CommandMessage, CommandOutcome> Outcome { get; set; } = c => CommandOutcome.Done("did " + c.Type);

    public Task RunAsync(IDeviceContext context, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<CommandOutcome> ExecuteAsync(CommandMessage command, CancellationToken cancellationToken)
    {
        Commands.Enqueue(command);
        return Task.FromResult(Outcome(command));
    }
}
