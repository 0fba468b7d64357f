using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// What the broker is told synchronously about a publish: accepted (queued for decoding) or refused.
/// JSON errors are found later by the worker and only counted and logged, because decoding is not done
/// inside the broker's callback.
/// </summary>
public readonly record struct IngestVerdict(RejectReason Reason, string? Error)
{
    public static IngestVerdict Accepted { get; } = new(RejectReason.None, null);

    public bool IsAccepted => Reason == RejectReason.None;

    /// <summary>True for refusals that suggest a hostile or broken client whose connection should be closed.</summary>
    public bool ShouldDisconnect => Reason == RejectReason.Oversized;
}
