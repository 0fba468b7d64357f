namespace SmartCommunity.Gateway.Video.Clips;

/// <summary>States of an export: <c>queued</c> → <c>running</c> → <c>ready</c> or <c>failed</c>.</summary>
public static class ClipStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>An MP4 cut from a camera's footage by stream copy, kept as evidence (retention never deletes clips).</summary>
public sealed record Clip(
    string Id,
    string CameraId,
    DateTimeOffset From,
    DateTimeOffset To,
    string? AlertId,
    string State,
    long? Size,
    long? DurationMs,
    string? Error,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? FinishedAt)
{
    public string? Url => State == ClipStates.Ready ? $"/api/video/clips/{Id}/file" : null;
}

/// <summary>Body of <c>POST /api/video/clips</c>: a camera and range (unix ms), or an alert whose footage evidence gives both.</summary>
public sealed record ClipRequest(string? CameraId, long? From, long? To, string? AlertId);

/// <summary>The "clip ready" message: on MQTT <c>sc/v1/video/{camera}/clip</c> and on the live stream (topic <c>clip</c>).</summary>
public sealed record ClipReadyMessage(int V, long Ts, string ClipId, string Camera, long From, long To, string? AlertId, string Url, long Size, long DurationMs);
