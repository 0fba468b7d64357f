using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>Agent-wide settings (section <c>Agent</c>). Queue limits are in <c>Agent:Queue</c>.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>
    /// Where each device keeps its boot counter and store-and-forward queue (<c>{DataDirectory}/{deviceId}/</c>).
    /// Must survive restarts. Default <c>data/edge-agent</c> relative to the working directory.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Agent:DataDirectory is required (a directory that survives restarts).")]
    public string DataDirectory { get; set; } = "data/edge-agent";

    /// <summary>How often the counters are logged at Information, seconds; 0 turns it off. Default 60.</summary>
    [Range(0, 86_400, ErrorMessage = "Agent:StatsIntervalSeconds must be between 0 and 86400.")]
    public int StatsIntervalSeconds { get; set; } = 60;

    /// <summary>How many commands one device may run at once; more are answered <c>failed</c> (busy). Default 4.</summary>
    [Range(1, 64, ErrorMessage = "Agent:MaxConcurrentCommands must be between 1 and 64.")]
    public int MaxConcurrentCommands { get; set; } = 4;

    /// <summary>
    /// Where the agent serves its counters for Prometheus (<c>GET /metrics</c>, text format 0.0.4), e.g.
    /// <c>http://127.0.0.1:9464</c>. Default empty: no HTTP listener. The page names devices and counts, no secret;
    /// bind it where only the scraper can reach it, as there is no sign-in.
    /// </summary>
    [Url(ErrorMessage = "Agent:MetricsUrl must be an http URL such as http://127.0.0.1:9464.")]
    public string? MetricsUrl { get; set; }
}
