using MQTTnet;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using static SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed;

namespace SmartCommunity.Gateway.Tests.Shelters;

/// <summary>An entrance counted by a door unit (primary) and a camera line (fallback) on the real gateway.</summary>
public sealed class FallbackTests
{
    [Fact]
    public async Task ASilentPrimaryFallsBackToTheCameraLineAndItsLateBacklogIsNotCountedTwice()
    {
        // A 4 s silence, not the bed's 1.5 s: on a loaded CI machine the 200 ms heartbeats were once late by more than
        // 1.5 s, the door was judged silent before the test silenced it, and the first phase never settled.
        var settings = Settings();
        settings["Shelters:SourceSilence"] = "00:00:04";
        await using var gateway = new GatewayFactory(settings: settings).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body());
        using var camera = await gateway.ConnectDeviceAsync(CameraA);
        var door = await gateway.ConnectDeviceAsync(DoorA);
        long doorSeq = 0, cameraSeq = 0;
        using var stop = new CancellationTokenSource();
        var doorAlive = true;
        // Both devices send a heartbeat (telemetry) every 200 ms, as live devices do; the door stops when it "fails".
        var heartbeats = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await camera.PublishAsync(TopicScheme.Telemetry(CameraA), Telemetry(Interlocked.Increment(ref cameraSeq)), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
                try
                {
                    if (Volatile.Read(ref doorAlive))
                    {
                        await door.PublishAsync(TopicScheme.Telemetry(DoorA), Telemetry(Interlocked.Increment(ref doorSeq)), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
                    }
                }
                catch (MQTTnet.Exceptions.MqttClientNotConnectedException)
                {
                    // The door is being disconnected on purpose; the camera keeps beating.
                }

                await Task.Delay(200);
            }
        });

        try
        {
            // Both see the same three people; only the primary counts, and they agree (no drift).
            for (var i = 0; i < 3; i++)
            {
                await door.PublishEventAsync(DoorA, Passage(Interlocked.Increment(ref doorSeq), "in"));
                await camera.PublishEventAsync(CameraA, Crossing(Interlocked.Increment(ref cameraSeq), "in"));
            }

            var both = await SettledAsync(gateway, "gym", o => o.Entrances[0].Sources[1].In == 3 && o.Entrances[0].In == 3, "both sources seen");
            Assert.Equal(3, both.Occupants);
            Assert.False(both.Entrances[0].OnFallback);
            Assert.Equal(0, both.Entrances[0].Sources[1].DriftIn);

            // The door unit fails (its link drops). The camera counts two people before the gateway notices (after
            // the match window: crossings within it of the door's last passage are taken for the same people).
            Volatile.Write(ref doorAlive, false);
            await door.DisconnectAsync();
            await Task.Delay(600);
            var outageStart = Payloads.NowMs;
            await camera.PublishEventAsync(CameraA, Crossing(Interlocked.Increment(ref cameraSeq), "in"));
            await camera.PublishEventAsync(CameraA, Crossing(Interlocked.Increment(ref cameraSeq), "in"));
            var fallback = await SettledAsync(gateway, "gym", o => o.Entrances[0].OnFallback, "the primary is silent");
            Assert.Equal("line:cam-s1/gate-line", fallback.Entrances[0].ActiveSource);
            Assert.True(fallback.Entrances[0].Sources[0].Silent);
            Assert.Equal(5, (await SettledAsync(gateway, "gym", o => o.Occupants == 5, "the camera's crossings since the door went quiet count")).Occupants);

            await camera.PublishEventAsync(CameraA, Crossing(Interlocked.Increment(ref cameraSeq), "in"));
            await SettledAsync(gateway, "gym", o => o.Occupants == 6, "the fallback counts");

            // The door comes back and replays what it saw meanwhile (the same three people): the camera counted them.
            door.Dispose();
            door = await gateway.ConnectDeviceAsync(DoorA);
            for (var i = 0; i < 3; i++)
            {
                await door.PublishEventAsync(DoorA, Passage(Interlocked.Increment(ref doorSeq), "in", ts: outageStart + 10 + i));
            }

            Volatile.Write(ref doorAlive, true);
            var back = await SettledAsync(gateway, "gym", o => !o.Entrances[0].OnFallback && o.Entrances[0].Sources[0].In == 6, "the primary is heard again");
            Assert.Equal(6, back.Occupants);
            Assert.NotNull(back.Entrances[0].RecentFallbacks.Single().ToMs);

            await door.PublishEventAsync(DoorA, Passage(Interlocked.Increment(ref doorSeq), "in"));
            Assert.Equal(7, (await SettledAsync(gateway, "gym", o => o.Entrances[0].Sources[0].In == 7, "new passage")).Occupants);
            Assert.True(gateway.Get<SmartCommunity.Gateway.Shelters.Occupancy.ShelterMetrics>().Fallbacks.Value >= 1);
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeats.WaitAsync(TimeSpan.FromSeconds(10));
            door.Dispose();
        }
    }

    [Fact]
    public async Task DriftBetweenSourcesIsReportedWhenTheyDisagree()
    {
        // No heartbeats here: a long silence keeps the primary in use on a slow machine.
        await using var gateway = new GatewayFactory(settings: new(Settings()) { ["Shelters:SourceSilence"] = "00:01:00" }).Start();
        RegisterDevices(gateway);
        await PutAsync(gateway, "gym", Body());
        using var camera = await gateway.ConnectDeviceAsync(CameraA);
        using var door = await gateway.ConnectDeviceAsync(DoorA);

        await door.PublishEventAsync(DoorA, Passage(1, "in", count: 40));
        await camera.PublishEventAsync(CameraA, Crossing(1, "in", count: 30)); // the camera misses a quarter of them
        var drift = await SettledAsync(gateway, "gym", o => o.Entrances[0].Sources[1].In == 30 && o.Entrances[0].In == 40, "both stored");
        Assert.Equal(-10, drift.Entrances[0].Sources[1].DriftIn);
        Assert.True(drift.Entrances[0].Sources[1].Drifting);
        Assert.Equal(40, drift.Occupants);

        using var em = await gateway.LoginAsync("em");
        var summary = await GetJsonAsync(em, "/api/shelters/summary");
        Assert.Equal(1, summary.GetProperty("sourcesDrifting").GetInt32());
        Assert.Equal(40, summary.GetProperty("occupants").GetInt64());
    }
}
