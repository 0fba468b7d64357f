using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Drivers.Simulation;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Tests.Drivers;

/// <summary>The drivers on the host's clock: a fake one, advanced by the test.</summary>
public sealed class SimulatorDriverTests
{
    private static readonly DateTimeOffset Start = new(2026, 7, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheWaterLevelDriverPublishesOnceAtStartAndOncePerInterval()
    {
        var time = new FakeTimeProvider(Start);
        var context = new RecordingDeviceContext(DeviceKind.WaterLevelStation, time, new() { ["TelemetrySeconds"] = "10", ["Seed"] = "4" });
        using var stop = new CancellationTokenSource();
        var run = new WaterLevelSimulator().RunAsync(context, stop.Token);

        await Eventually.TrueAsync(() => context.Telemetry.Count == 1);
        for (var i = 2; i <= 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            var expected = i;
            await Eventually.TrueAsync(() => context.Telemetry.Count == expected, what: () => $"{expected} readings, have {context.Telemetry.Count}");
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(Start.AddSeconds(50).ToUnixTimeMilliseconds(), context.Telemetry[^1].Ts);
    }

    [Fact]
    public async Task ASirenLastsItsDurationOnTheDevicesClock()
    {
        var time = new FakeTimeProvider(Start);
        using var speaker = new WarningDeviceSimulator(time, NullLogger<WarningDeviceSimulator>.Instance);
        var siren = speaker.ExecuteAsync(new CommandMessage { Id = "s1", Ts = 1, Type = CommandTypes.Siren, DurationS = 300 }, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(299));
        Assert.False(siren.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await siren.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CommandOutcome.Done("siren sounded 300 s"), outcome);
    }

    [Fact]
    public async Task PlayingAClipTheDeviceDoesNotHaveFails()
    {
        using var speaker = new WarningDeviceSimulator(TimeProvider.System, NullLogger<WarningDeviceSimulator>.Instance);
        var outcome = await speaker.ExecuteAsync(new CommandMessage { Id = "v1", Ts = 1, Type = CommandTypes.PlayVoice, Clip = "rickroll" }, CancellationToken.None);
        Assert.False(outcome.Succeeded);
        Assert.Contains("'rickroll' is not stored", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownClipWithATextIsSpokenByTts()
    {
        var time = new FakeTimeProvider(Start);
        using var speaker = new WarningDeviceSimulator(time, NullLogger<WarningDeviceSimulator>.Instance);
        var command = new CommandMessage { Id = "v2", Ts = 1, Type = CommandTypes.PlayVoice, Clip = "new_clip", Text = "危险水域，请速离开" };
        var playing = speaker.ExecuteAsync(command, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5)); // One play of the default clip length.
        var outcome = await playing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CommandOutcome.Done("played TTS \"危险水域，请速离开\" 1 time(s)"), outcome);
    }
}
