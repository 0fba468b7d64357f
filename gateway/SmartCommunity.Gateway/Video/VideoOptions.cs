using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Video;

/// <summary>Section <c>Video</c>: recording, watchdog, retention and clip settings. Every default is stated here.</summary>
public sealed class VideoOptions : IValidatableObject
{
    public const string Section = "Video";

    /// <summary>Whether cameras are recorded at all (a camera's own policy can still turn it off). Default true.</summary>
    public bool RecordingEnabled { get; set; } = true;

    /// <summary>Accept <c>file:</c> stream URLs (demo and tests read a local clip). Default false: a real camera is on the network.</summary>
    public bool AllowFileUrls { get; set; }

    /// <summary>Folder for footage, clips and snapshots, relative to <c>Storage:DataDirectory</c>. Default <c>video</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9._-]+$", ErrorMessage = "FootageFolder must be a plain folder name.")]
    public string FootageFolder { get; set; } = "video";

    /// <summary>The ffmpeg and ffprobe binaries. Defaults: found on the PATH.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>A recorder that closes no segment for this long (beyond its first segment) is restarted. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First backoff step before restarting a recorder; doubles per failed run up to <see cref="RestartBackoffMax"/>,
    /// each wait half to all of its step (<see cref="SmartCommunity.Resilience.Backoff"/>). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RestartBackoffMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between restarts. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RestartBackoffMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A camera down (no segment, no successful start) this long raises a <c>camera_down</c> alert. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DownAlertAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often retention runs. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Disk guard: delete the oldest footage while the disk has less free space than this. Default 2 GiB; 0 turns it off.</summary>
    [Range(0L, long.MaxValue)]
    public long MinFreeBytes { get; set; } = 2L << 30;

    /// <summary>Disk guard: delete the oldest footage while all footage together is larger. Default 0 (no limit).</summary>
    [Range(0L, long.MaxValue)]
    public long MaxFootageBytes { get; set; }

    /// <summary>Longest clip one export may cover. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxClipLength { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest range one segment query or playlist may cover. Default 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "31.00:00:00")]
    public TimeSpan MaxQueryRange { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Event snapshots kept per camera (the oldest go first). Default 2 000.</summary>
    [Range(1, 1_000_000)]
    public int MaxSnapshotsPerCamera { get; set; } = 2_000;

    /// <summary>Largest JPEG accepted as a snapshot. Default 2 MiB.</summary>
    [Range(1024, 64 << 20)]
    public int MaxSnapshotBytes { get; set; } = 2 << 20;

    /// <summary>Footage before and after an event that its bookmark links to. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BookmarkMargin { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit on each ffprobe/one-shot ffmpeg run (probe, snapshot, repair). Default 20 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A live stream nobody watches any more is stopped this long after its last viewer left (a viewer moving from the wall to the large view keeps it). Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan LiveLinger { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a viewer waits for a live stream's first picture (connection, stream analysis) before the answer is 504. Default 20 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan LiveStartTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>One-shot ffprobe/ffmpeg jobs (probes, snapshots, clips, repair) run at once; more wait their turn. Default 2 (the
    /// recorders, one long-running ffmpeg per camera, are not counted).</summary>
    [Range(1, 64)]
    public int MaxToolJobs { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RestartBackoffMax < RestartBackoffMin)
        {
            yield return new ValidationResult("RestartBackoffMax must not be shorter than RestartBackoffMin.", [nameof(RestartBackoffMax)]);
        }
    }
}
