using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>Settings of <see cref="WarningDeviceSimulator"/>.</summary>
public sealed class WarningDeviceSimulatorSettings : SimulatorSettings
{
    /// <summary>How long one play of a recorded clip or a TTS text takes, seconds. Default 5.</summary>
    public double ClipSeconds { get; set; } = 5;

    /// <summary>Siren length when the command gives no <c>duration_s</c>, seconds. Default 300 (5 minutes, as discharge warnings require).</summary>
    public int DefaultSirenSeconds { get; set; } = 300;

    /// <summary>Clip IDs stored on the device; a <c>play_voice</c> naming another clip fails. Default <c>danger_leave</c>, <c>discharge_warning</c>.</summary>
    public List<string> Clips { get; set; } = [];

    internal IReadOnlyCollection<string> EffectiveClips => Clips.Count > 0 ? Clips : ["danger_leave", "discharge_warning"];

    internal override void Check()
    {
        base.Check();
        if (ClipSeconds is < 0 or > 600 || DefaultSirenSeconds is < 0 or > 3600)
        {
            throw new InvalidOperationException("ClipSeconds must be 0–600 and DefaultSirenSeconds 0–3600.");
        }
    }
}

/// <summary>
/// A loudspeaker / siren / warning sign at a dangerous spot. It executes commands: <c>play_voice</c> (a stored clip or
/// TTS text, <c>repeat</c> times), <c>siren</c> (<c>duration_s</c>), <c>show_sign</c> (<c>text</c>, shown for
/// <c>duration_s</c> or until replaced) and <c>stop</c> (ends whatever is sounding). It logs what it would do and
/// waits as long as the real device would; the host answers <c>accepted</c> first and <c>done</c>/<c>failed</c> after.
/// Telemetry (battery, temperature) every <c>TelemetrySeconds</c>.
/// </summary>
public sealed class WarningDeviceSimulator(TimeProvider time, ILogger<WarningDeviceSimulator> logger) : IDeviceDriver, ICommandHandler, IDisposable
{
    public const string DriverName = "sim-warning-device";

    private readonly Lock _lock = new();
    private WarningDeviceSimulatorSettings _settings = new();
    private CancellationTokenSource _sounding = new();

    public async Task RunAsync(IDeviceContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings.Get<WarningDeviceSimulatorSettings>() ?? new WarningDeviceSimulatorSettings();
        settings.Check();
        _settings = settings;
        var random = settings.Seed is { } seed ? new Random(seed) : new Random();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.TelemetrySeconds), context.Time);
        do
        {
            await context.PublishTelemetryAsync(new TelemetryMessage
            {
                BatteryV = Math.Round(24 + (random.NextDouble() - 0.5) * 0.2, 2),
                TemperatureC = Math.Round(25 + (random.NextDouble() - 0.5), 1),
            }, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    public async Task<CommandOutcome> ExecuteAsync(CommandMessage command, CancellationToken cancellationToken)
    {
        var settings = _settings;
        switch (command.Type)
        {
            case CommandTypes.Stop:
                CancellationTokenSource previous;
                lock (_lock)
                {
                    previous = _sounding;
                    _sounding = new CancellationTokenSource();
                }

                await previous.CancelAsync();
                previous.Dispose();
                logger.LogInformation("Command {CommandId}: stop, silence.", command.Id);
                return CommandOutcome.Done("stopped");

            case CommandTypes.PlayVoice:
                // A stored clip is preferred; the text, spoken by TTS, stands in when the clip is missing or unknown.
                var clip = command.Clip is { } named && settings.EffectiveClips.Contains(named) ? named : null;
                if (clip is null && string.IsNullOrEmpty(command.Text))
                {
                    return CommandOutcome.Failed(command.Clip is { } unknown
                        ? $"clip '{unknown}' is not stored on this device ({string.Join(", ", settings.EffectiveClips)}) and no 'text' was given"
                        : "play_voice needs 'clip' or 'text'");
                }

                var repeat = command.Repeat ?? 1;
                var what = clip is not null ? $"clip {clip}" : $"TTS \"{command.Text}\"";
                logger.LogInformation("Command {CommandId}: playing {What} {Repeat} time(s) at volume {Volume}.", command.Id, what, repeat, command.Volume ?? 80);
                return await SoundAsync(TimeSpan.FromSeconds(settings.ClipSeconds * repeat), $"played {what} {repeat} time(s)", cancellationToken);

            case CommandTypes.Siren:
                var seconds = command.DurationS ?? settings.DefaultSirenSeconds;
                logger.LogInformation("Command {CommandId}: siren for {Seconds} s.", command.Id, seconds);
                return await SoundAsync(TimeSpan.FromSeconds(seconds), $"siren sounded {seconds} s", cancellationToken);

            case CommandTypes.ShowSign:
                if (string.IsNullOrEmpty(command.Text))
                {
                    return CommandOutcome.Failed("show_sign needs 'text'");
                }

                logger.LogInformation("Command {CommandId}: sign shows \"{Text}\".", command.Id, command.Text);
                return CommandOutcome.Done("sign shows the text");

            default:
                return CommandOutcome.Failed($"unknown command type '{command.Type}'");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _sounding.Dispose();
        }
    }

    private async Task<CommandOutcome> SoundAsync(TimeSpan length, string done, CancellationToken cancellationToken)
    {
        CancellationToken stop;
        lock (_lock)
        {
            stop = _sounding.Token;
        }

        using var both = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
        try
        {
            await Task.Delay(length, time, both.Token);
            return CommandOutcome.Done(done);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return CommandOutcome.Done("interrupted by a stop command");
        }
    }
}
