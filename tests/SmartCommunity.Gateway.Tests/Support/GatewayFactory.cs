using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Support;

/// <summary>
/// The real gateway in-process: embedded broker on a free loopback port, SQLite in a temp folder (or a fresh
/// PostgreSQL database when <see cref="PostgresProcess.Selected"/>), the test community seeded. <see cref="Reopen"/> makes a new gateway on the same data folder (a restart).
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public GatewayFactory(string? dataDirectory = null, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("sc-gw-").FullName;
        MqttPort = settings?.TryGetValue("Broker:Port", out var port) == true && port is not null ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : FreePort.Next();
        var seed = Path.Combine(DataDirectory, "seed.json");
        if (!File.Exists(seed))
        {
            File.WriteAllText(seed, TestCommunity.Json());
        }

        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Broker:Port"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:BindAddress"] = "127.0.0.1",
            ["Seed:File"] = seed,
            ["Auth:InitialAdminPassword"] = TestCommunity.AdminPassword,
            ["Ingest:RejectLogInterval"] = "00:00:01",
            // The floor the option allows: hashing stays real, test start-up stays quick.
            ["Auth:PasswordIterations"] = "10000",
        };
        if (PostgresProcess.Selected)
        {
            // The PostgreSQL run of the suite (SC_TEST_DATABASE=PostgreSql): a database per data folder in the run's
            // cluster, so Reopen on the same folder finds the same data.
            foreach (var (key, value) in PostgresProcess.GatewaySettingsAsync(DataDirectory).GetAwaiter().GetResult())
            {
                _settings[key] = value;
            }
        }

        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public int MqttPort { get; }

    public GatewayFactory Reopen(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(DataDirectory, new Dictionary<string, string?>(settings ?? []) { ["Broker:Port"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }, services);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Starts the host (and so the broker) without making a request.</summary>
    public GatewayFactory Start()
    {
        _ = Services;
        return this;
    }

    public async Task<HttpClient> LoginAsync(string user, string? password = null)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password = password ?? (user == "admin" ? TestCommunity.AdminPassword : TestCommunity.Password) });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<LoginBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!.Token);
        return client;
    }

    public MqttClientOptions MqttOptions(string? user, string? password, string? clientId = null, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", MqttPort)
            .WithClientId(clientId ?? user ?? "anonymous-" + Guid.NewGuid().ToString("N"))
            .WithCredentials(user, password)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();

    /// <summary>Connects as a registered device (client ID = device ID) and returns the connected client.</summary>
    public async Task<IMqttClient> ConnectDeviceAsync(string deviceId, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(MqttOptions(deviceId, TestCommunity.SecretOf(deviceId), version: version));
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"Device {deviceId} could not connect: {result.ResultCode} {result.ReasonString}");
        }

        return client;
    }

    private sealed record LoginBody(string Token);
}
