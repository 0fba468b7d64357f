using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>Section <c>VideoAnalysis</c>: the frame path for cameras whose analysis site is the gateway.</summary>
public sealed class VideoAnalysisOptions
{
    public const string Section = "VideoAnalysis";

    /// <summary>Analyse cameras at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Analysis workers shared by all cameras; 0 means one per core. Default 0.</summary>
    [Range(0, 64)]
    public int Workers { get; set; }

    /// <summary>How often each camera's latest picture is refreshed. Default 5 s (not every frame: encoding costs ms).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LatestPictureInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>JPEG quality of snapshots. Default 80.</summary>
    [Range(1, 100)]
    public int SnapshotQuality { get; set; } = 80;

    /// <summary>How often per-camera counters reach <c>/metrics</c> and frame rates are computed. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The ffmpeg binary. Default <c>ffmpeg</c> from PATH (Debian package <c>ffmpeg</c>).</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Time for a stream's first frame (connect, probe, decode). Default 20 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Time without data, once frames flowed, before a stream counts as stalled and is restarted. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before restarting a failed stream; doubles up to <see cref="MaxRestartDelay"/>. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between restarts. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(60);
}
