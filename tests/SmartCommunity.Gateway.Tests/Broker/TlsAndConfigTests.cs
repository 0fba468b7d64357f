using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

public sealed class TlsAndConfigTests
{
    [Fact]
    public async Task WithACertificateTheBrokerServesMqttOverTlsOnItsOwnPort()
    {
        var folder = Directory.CreateTempSubdirectory("sc-tls-").FullName;
        var pfx = Path.Combine(folder, "broker.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }

        var tlsPort = FreePort.Next();
        await using var gateway = new GatewayFactory(settings: new()
        {
            ["Broker:CertificatePath"] = pfx,
            ["Broker:CertificatePassword"] = "pfx-password",
            ["Broker:TlsPort"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Start();

        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", tlsPort)
            .WithClientId(TestCommunity.LevelStation)
            .WithCredentials(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation))
            // The test's self-signed certificate: trust exactly it, as a device would pin the gateway's CA.
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => e.Certificate?.Subject == "CN=127.0.0.1"))
            .Build();
        var result = await client.ConnectAsync(options);

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var publish = await client.PublishAsync(Protocol.Topics.TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 1.5));
        Assert.True(publish.IsSuccess);
    }

    /// <summary>
    /// What an operator sees: the real gateway process, started with one bad setting, exits non-zero and says
    /// which setting is wrong. (In-process, a failed start can surface a teardown error instead.)
    /// </summary>
    [Theory]
    [InlineData("Broker__Mode", "External", "Broker:Host is required")]
    [InlineData("Broker__CertificatePath", "/no/such/file.pfx", "does not exist")]
    [InlineData("Ingest__Workers", "0", "Workers")]
    [InlineData("Broker__ReadBufferBytes", "10", "ReadBufferBytes")]
    [InlineData("Ingest__MaxPayloadBytes", "10", "MaxPayloadBytes")]
    [InlineData("Auth__InitialAdminPassword", "short", "at least 12 characters")]
    [InlineData("Storage__DatabaseFile", "../escape.db", "plain file name")]
    public async Task ABadSettingStopsTheGatewayWithAMessageNamingIt(string key, string value, string expected)
    {
        var data = Directory.CreateTempSubdirectory("sc-badcfg-").FullName;
        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SmartCommunity.Gateway.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        info.Environment["Storage__DataDirectory"] = data;
        info.Environment["Urls"] = $"http://127.0.0.1:{FreePort.Next()}";
        info.Environment["Broker__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Broker__BindAddress"] = "127.0.0.1";
        info.Environment[key] = value;

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The gateway started despite {key}={value}.");
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(expected, await output + await errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongDeviceSecretNeverReachesTheLog()
    {
        var logs = new List<string>();
        await using var gateway = new GatewayFactory(services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(logs))).Start();
        const string guess = "guessed-secret-do-not-log-7731";

        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(gateway.MqttOptions(TestCommunity.DoorUnit, guess));
        Assert.NotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
        using var device = await gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        await device.PublishAsync(Protocol.Topics.TopicScheme.Telemetry(TestCommunity.LevelStation), "not json");
        await Eventually.TrueAsync(() => gateway.Get<Gateway.Ingest.IngestMetrics>().TotalRejected == 1);

        List<string> snapshot;
        lock (logs)
        {
            snapshot = [.. logs];
        }

        Assert.Contains(snapshot, l => l.Contains("Refused MQTT connection of " + TestCommunity.DoorUnit, StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot, l => l.Contains(guess, StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot, l => l.Contains(TestCommunity.SecretOf(TestCommunity.LevelStation), StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot, l => l.Contains(TestCommunity.Password, StringComparison.Ordinal));
    }
}
