using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>
/// Implemented by drivers whose device takes commands (warning devices). The host has already decoded the
/// command, refused malformed and expired ones, and published <c>accepted</c>; it publishes <c>done</c> or
/// <c>failed</c> from the returned outcome (<c>failed</c> if this throws). Commands may run concurrently
/// (up to <c>Agent:MaxConcurrentCommands</c>), so a <c>stop</c> can interrupt a running siren.
/// </summary>
public interface ICommandHandler
{
    Task<CommandOutcome> ExecuteAsync(CommandMessage command, CancellationToken cancellationToken);
}

/// <summary>How a command ended, published as the final <c>done</c> or <c>failed</c> acknowledgement.</summary>
public readonly record struct CommandOutcome(bool Succeeded, string? Detail)
{
    public static CommandOutcome Done(string? detail = null) => new(true, detail);

    public static CommandOutcome Failed(string detail) => new(false, detail);
}
