namespace SmartCommunity.Protocol.Validation;

/// <summary>A decoded message, or the reason and a human-readable error why it was refused.</summary>
public readonly record struct DecodeResult<T>(T? Message, RejectReason Reason, string? Error)
    where T : class
{
    public bool IsSuccess => Reason == RejectReason.None;

    public static DecodeResult<T> Ok(T message) => new(message, RejectReason.None, null);

    public static DecodeResult<T> Fail(RejectReason reason, string error) => new(null, reason, error);
}
