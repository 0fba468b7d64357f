using SmartCommunity.Gateway.Alerts.Delivery;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>Everything that changes alerts goes through the engine's queue as one of these, applied in order by one writer.</summary>
internal abstract record EngineCommand;

internal sealed record RaiseCommand(AlertTrigger Trigger, DateTimeOffset At) : EngineCommand;

internal sealed record ClearCommand(AlertSource Source, string Type, string Reason, bool Cancel, DateTimeOffset At) : EngineCommand;

/// <summary>A person's command; <see cref="Reply"/> completes once the change is stored.</summary>
internal abstract record PersonCommand(string PersonId) : EngineCommand
{
    public TaskCompletionSource<AlertCommandResult> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <param name="CheckVisibility">True for terminal acks: the engine checks the person may act on the alert's cell (the API checks before sending).</param>
internal sealed record AckCommand(string AlertOrNotificationId, string PersonId, string? Note, string Via, bool CheckVisibility) : PersonCommand(PersonId);

internal sealed record ResolveByPersonCommand(string AlertId, string PersonId, string Note) : PersonCommand(PersonId);

internal sealed record SilenceCommand(AlertSource Source, string? Type, TimeSpan Duration, string Reason, string PersonId) : PersonCommand(PersonId);

internal sealed record EndSilenceCommand(string SilenceId, string PersonId) : PersonCommand(PersonId);

/// <summary>Cluster mode: an alert as another gateway just stored it (its live event).</summary>
internal sealed record RefreshCommand(string LiveEventJson) : EngineCommand;

internal sealed record DeliveryCommand(DeliveryReport Report) : EngineCommand;

/// <summary>The timer's wake-up: due escalations, quiet groups and silence ends are processed after every batch anyway.</summary>
internal sealed record TickCommand : EngineCommand
{
    public static TickCommand Instance { get; } = new();
}

internal enum TimerKind
{
    Escalate,
    GroupQuiet,
    SilenceEnd,
}

internal readonly record struct TimerEntry(TimerKind Kind, string Id);
