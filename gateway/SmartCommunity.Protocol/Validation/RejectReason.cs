namespace SmartCommunity.Protocol.Validation;

/// <summary>Why an inbound message was refused. Each has a metric label (<see cref="RejectReasons.Label"/>).</summary>
public enum RejectReason
{
    None = 0,
    MalformedJson,
    InvalidField,
    UnsupportedVersion,
    UnknownTopic,
    UnknownDevice,
    WrongDeviceKind,
    Oversized,
    TimestampInFuture,
    /// <summary>No longer produced (issue 16: an old timestamp is kept as clock_suspect); kept so the metric label stays.</summary>
    TimestampTooOld,
    DuplicateSequence,
    OutOfRange,
    NotAuthorized,
    Overloaded,

    /// <summary>The gateway failed on the message (a bug, never the device's fault alone); refused, counted, the worker carries on.</summary>
    InternalError,
}

public static class RejectReasons
{
    public static string Label(this RejectReason reason) => reason switch
    {
        RejectReason.None => "none",
        RejectReason.MalformedJson => "malformed_json",
        RejectReason.InvalidField => "invalid_field",
        RejectReason.UnsupportedVersion => "unsupported_version",
        RejectReason.UnknownTopic => "unknown_topic",
        RejectReason.UnknownDevice => "unknown_device",
        RejectReason.WrongDeviceKind => "wrong_device_kind",
        RejectReason.Oversized => "oversized",
        RejectReason.TimestampInFuture => "timestamp_in_future",
        RejectReason.TimestampTooOld => "timestamp_too_old",
        RejectReason.DuplicateSequence => "duplicate_sequence",
        RejectReason.OutOfRange => "out_of_range",
        RejectReason.NotAuthorized => "not_authorized",
        RejectReason.Overloaded => "overloaded",
        RejectReason.InternalError => "internal_error",
        _ => "unknown",
    };

    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None).ToArray();
}
