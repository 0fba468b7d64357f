using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Extensions;

namespace SmartCommunity.Benchmarks.Alerts;

/// <summary>
/// The real gateway services (storage, registry, embedded broker, ingest, alerts) in this process, wired as
/// Program.cs does, on a scratch data folder and free ports; a seeded community of <see cref="Cells"/>
/// buildings with one guard each (<c>guard-{n}</c>, password <see cref="Password"/>).
/// </summary>
internal sealed class AlertsBenchHost : IAsyncDisposable
{
    public const string Password = "bench-password-1";
    public const int Cells = 50;

    private AlertsBenchHost(WebApplication app, int mqttPort)
    {
        App = app;
        MqttPort = mqttPort;
    }

    public WebApplication App { get; }

    public int MqttPort { get; }

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<AlertsBenchHost> StartAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var seed = Path.Combine(directory, "seed.json");
        await File.WriteAllTextAsync(seed, SeedJson(), cancellationToken);
        var mqttPort = SmartCommunity.Testing.FreePort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = directory,
            ["Seed:File"] = seed,
            ["Broker:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Broker:BindAddress"] = "127.0.0.1",
            ["Auth:InitialAdminPassword"] = "bench-admin-password-1",
            ["Auth:PasswordIterations"] = "10000",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGatewayInfrastructure();
        builder.AddRegistry();
        builder.AddAuth();
        builder.AddIngest();
        builder.AddAlerts();
        builder.StartIngest();
        var app = builder.Build();
        await app.StartAsync(cancellationToken);
        return new AlertsBenchHost(app, mqttPort);
    }

    public static AlertTrigger Trigger(string source, int cell, AlertLevel level, string titleEn = "Intrusion") =>
        new(new AlertSource("spot", source), "intrusion", level, "b-" + cell.ToString(CultureInfo.InvariantCulture),
            new AlertText("有人进入危险水域", titleEn), new AlertText("水库下游浅滩检测到人员。", "A person was detected at the shallows below the reservoir."));

    private static string SeedJson() => JsonSerializer.Serialize(new
    {
        cells = new object[] { new { id = "c1", level = "Community", name = "社区", lat = 28.19, lon = 112.97 } }
            .Concat(Enumerable.Range(0, Cells).Select(i => (object)new { id = "b-" + i, parentId = "c1", level = "Building", name = "楼 " + i })),
        people = Enumerable.Range(0, Cells).Select(i => (object)new { id = "guard-" + i, name = "Guard " + i, role = "guard", duty = "Guard", cells = new[] { "b-" + i }, password = Password })
            .Append(new { id = "em", name = "Emergency", role = "emergency", duty = "Staff", cells = new[] { "c1" }, password = Password }),
        devices = Array.Empty<object>(),
    });

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
