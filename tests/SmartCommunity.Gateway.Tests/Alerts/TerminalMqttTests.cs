using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>Guards' terminals over real MQTT: alerts arrive on the person's topic with QoS 1 and are acknowledged on the ack topic.</summary>
public sealed class TerminalMqttTests
{
    [Fact]
    public async Task AGuardsTerminalReceivesItsAlertAndAcknowledgesItOverMqtt()
    {
        await using var bed = AlertsTestBed.Start();
        using var terminal = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        terminal.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone());
            return Task.CompletedTask;
        };
        await terminal.ConnectAsync(bed.Gateway.MqttOptions("guard-a", TestCommunity.Password, "guard-a/radio"));
        var sub = await terminal.SubscribeAsync(TopicScheme.PersonAlert("guard-a"), MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, sub.Items.Single().ResultCode);

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-mqtt", "intrusion", AlertLevel.Red));
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(alert.Id, message.GetProperty("alert_id").GetString());
        Assert.Equal("red", message.GetProperty("level").GetString());
        Assert.Equal("responsible", message.GetProperty("reason").GetString());
        Assert.Equal("有人进入危险水域", message.GetProperty("title_zh").GetString());

        var notification = message.GetProperty("notification_id").GetString()!;
        var ack = await terminal.PublishAsync(Ack("guard-a", notification, "on site"));
        Assert.True(ack.IsSuccess);

        await Eventually.TrueAsync(() => bed.Get(alert.Id).State == AlertState.Acknowledged);
        Assert.Equal("guard-a", bed.Get(alert.Id).AcknowledgedBy);
        Assert.Contains(bed.History(alert.Id), h => h is { Kind: "acknowledged", Channel: "mqtt", Detail: "on site" });
        await Eventually.TrueAsync(() => bed.History(alert.Id).Any(h => h is { Kind: "delivery", Channel: "mqtt", Outcome: "published" }));
    }

    [Fact]
    public async Task AGuardCannotSubscribeToAnotherGuardsAlertsNorAcknowledgeAnAlertOfAnotherCell()
    {
        await using var bed = AlertsTestBed.Start();
        using var guardA = new MqttClientFactory().CreateMqttClient();
        await guardA.ConnectAsync(bed.Gateway.MqttOptions("guard-a", TestCommunity.Password, "guard-a/radio"));
        var refused = await guardA.SubscribeAsync(TopicScheme.PersonAlert("guard-b"), MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, refused.Items.Single().ResultCode);

        var inA = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-in-a", "intrusion", AlertLevel.Red, TestCommunity.BuildingA));
        var inB = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-in-b", "intrusion", AlertLevel.Red, TestCommunity.BuildingB));
        using var guardB = new MqttClientFactory().CreateMqttClient();
        await guardB.ConnectAsync(bed.Gateway.MqttOptions("guard-b", TestCommunity.Password, "guard-b/radio"));
        // Guard B's acks are processed in order: once the second (own cell) is applied, the first was refused.
        await guardB.PublishAsync(Ack("guard-b", inA.Id, null));
        await guardB.PublishAsync(Ack("guard-b", inB.Id, null));

        await Eventually.TrueAsync(() => bed.Get(inB.Id).State == AlertState.Acknowledged);
        Assert.Equal(AlertState.Raised, bed.Get(inA.Id).State);
    }

    [Fact]
    public async Task TheDocumentedMosquittoCommandsReceiveAndAcknowledgeAnAlert()
    {
        await using var bed = AlertsTestBed.Start();
        var port = bed.Gateway.MqttPort.ToString(CultureInfo.InvariantCulture);
        // As in docs/alerts.md, plus -d: it prints the SUBACK, so the test knows the subscription is live before
        // raising (stdbuf: on a pipe, not a terminal, stdio would hold the line back until exit).
        using var sub = Run("stdbuf", "-oL", "/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-u", "guard-a", "-P", TestCommunity.Password,
            "-i", "guard-a/radio", "-q", "1", "-t", "sc/v1/person/guard-a/alert", "-C", "1", "-d");
        await ReadUntilAsync(sub, line => line.Contains("SUBACK", StringComparison.Ordinal));

        var alert = await bed.RaiseAsync(AlertsTestBed.Trigger("spot-cli", "intrusion", AlertLevel.Red));
        var payload = await ReadUntilAsync(sub, line => line.StartsWith('{'));
        Assert.Equal(alert.Id, JsonDocument.Parse(payload).RootElement.GetProperty("alert_id").GetString());

        var ack = $$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"alert_id":"{{alert.Id}}","note":"on site"}""";
        // -i: mosquitto 2 clients otherwise send an empty client ID, which the gateway's broker refuses.
        using var pub = Run("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-u", "guard-a", "-P", TestCommunity.Password,
            "-i", "guard-a/ack", "-q", "1", "-t", "sc/v1/person/guard-a/ack", "-m", ack);
        await pub.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(pub.ExitCode == 0, "mosquitto_pub failed: " + await pub.StandardError.ReadToEndAsync() + await pub.StandardOutput.ReadToEndAsync());
        await Eventually.TrueAsync(() => bed.Get(alert.Id).State == AlertState.Acknowledged);
    }

    private static MqttApplicationMessage Ack(string person, string alertId, string? note) => new MqttApplicationMessageBuilder()
        .WithTopic(TopicScheme.PersonAck(person))
        .WithPayload(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["v"] = 1,
            ["ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["alert_id"] = alertId,
            ["note"] = note,
        }.Where(p => p.Value is not null).ToDictionary())))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    private static Process Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static async Task<string> ReadUntilAsync(Process process, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (match(line))
            {
                return line;
            }
        }

        throw new InvalidOperationException("Output ended first: " + await process.StandardError.ReadToEndAsync(timeout.Token));
    }
}
