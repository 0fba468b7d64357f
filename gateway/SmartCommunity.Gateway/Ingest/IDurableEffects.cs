namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// A feature that commits the effects of device messages on its own queue (a batch writer, the alerts engine).
/// The ingest checkpoint calls <see cref="FlushAsync"/> before it deletes journal records, so a record is
/// forgotten only once what it caused is stored. Implementations must be idempotent on replay: after a crash,
/// records since the last checkpoint are processed again (de-duplicate on device, boot and sequence).
/// </summary>
public interface IDurableEffects
{
    /// <summary>
    /// Flush order: features that others feed flush later. 0 for handlers of device messages; 1 for the
    /// alerts engine, which their alarms reach.
    /// </summary>
    int FlushStage => 0;

    /// <summary>Completes when everything handed to this feature so far is committed; throws when it could not be.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
