using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartCommunity.Benchmarks.Harness;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.DoorAccess;
using SmartCommunity.Gateway.DoorAccess.Events;
using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Shelters;
using SmartCommunity.Gateway.Shelters.Occupancy;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Benchmarks.Shelters;

/// <summary>
/// Door events per second through ingest into the door event log and shelter occupancy, both persisted in SQLite,
/// against the same events through the same ingest with no door or shelter handler, in the same run.
/// </summary>
public sealed class DoorEventsBenchmark : IBenchmark
{
    private const int Units = 100;
    private const int SheltersCount = 20;

    public string Name => "door-events";

    public string Description => "door events/s through ingest + door event log + shelter occupancy (SQLite) vs the same ingest without those handlers";

    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var count = options.Quick ? 20_000 : 200_000;
        var report = new BenchmarkReport(Name);

        await using var baseline = await Host.StartAsync(Path.Combine(options.WorkDirectory, "baseline"), withFeatures: false, cancellationToken);
        var baselineRate = Run(baseline, count, null);

        var featuredDirectory = Path.Combine(options.WorkDirectory, "featured");
        var featured = await Host.StartAsync(featuredDirectory, withFeatures: true, cancellationToken);
        double featuredRate;
        try
        {
            featured.SeedShelters();
            featuredRate = Run(featured, count, Settle(featured, cancellationToken));
        }
        finally
        {
            await featured.DisposeAsync();
        }

        // The same events again after a restart (as an agent replays its queue): ingest's in-memory window is empty,
        // so every event reaches the handlers and is refused by its stored identity.
        await using var restarted = await Host.StartAsync(featuredDirectory, withFeatures: true, cancellationToken);
        var replayRate = Run(restarted, count, Settle(restarted, cancellationToken));
        var counter = restarted.Get<ShelterCounter>();
        var metrics = restarted.Get<ShelterMetrics>();
        var occupants = counter.All.Sum(o => o.Occupants);
        report.Add("ingest only (baseline)", baselineRate, "events/s");
        report.Add("ingest + door log + shelter occupancy, persisted", featuredRate, "events/s", "ingest only", featuredRate / baselineRate);
        report.Add("replay of the same events (all duplicates), persisted", replayRate, "events/s", "ingest only", replayRate / baselineRate);
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{count:N0} events (passages in/out with card presentations) from {Units} door units at {SheltersCount} shelters, fed to the gateway's MessageProcessor on one thread (the broker is left out on both sides); timed until both SQLite writers have committed everything. Replay after restart: {metrics.Duplicates.Value:N0} duplicates refused, {metrics.Counted.Value:N0} counted again; {occupants:N0} people inside at the end (expected {count / 5 * 2:N0}: three in and one out per five events)."));
        return report;
    }

    private static Action Settle(Host host, CancellationToken cancellationToken) => () =>
    {
        host.Get<DoorEventLog>().FlushAsync(cancellationToken).GetAwaiter().GetResult();
        host.Get<ShelterCounter>().FlushAsync(cancellationToken).GetAwaiter().GetResult();
    };

    /// <summary>Feeds every event through ingest, then waits for <paramref name="settle"/>; events per second.</summary>
    private static double Run(Host host, int count, Action? settle)
    {
        var processor = host.Get<MessageProcessor>();
        var devices = host.Get<DeviceRegistry>();
        var units = Enumerable.Range(0, Units).Select(i => devices.Get(Host.UnitId(i))!).ToArray();
        var payloads = Payloads(count);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            processor.Process(new InboundMessage(MessageClass.Event, units[i % Units], null, payloads[i], payloads[i].Length, TimeProvider.System.GetTimestamp()));
        }

        settle?.Invoke();
        return count / watch.Elapsed.TotalSeconds;
    }

    private static byte[][] Payloads(int count)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var seq = (i / Units) + 1;
            var type = (i % 5) switch
            {
                0 => "\"type\":\"access_granted\",\"card\":\"C1234567\"",
                1 or 2 or 3 => "\"type\":\"passage\",\"direction\":\"in\"",
                _ => "\"type\":\"passage\",\"direction\":\"out\"",
            };
            return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{now - count + i}},"seq":{{seq}},"boot":1,{{type}},"door":"main"}"""));
        })];
    }

    private sealed class Host : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Host(WebApplication app) => _app = app;

        public static string UnitId(int i) => "door-" + i.ToString(CultureInfo.InvariantCulture);

        public T Get<T>()
            where T : notnull => _app.Services.GetRequiredService<T>();

        public static async Task<Host> StartAsync(string directory, bool withFeatures, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(directory);
            var seed = Path.Combine(directory, "seed.json");
            await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new
            {
                cells = new object[] { new { id = "c1", level = "Community", name = "社区", lat = 28.19, lon = 112.97 } },
                devices = Enumerable.Range(0, Units).Select(i => new { id = UnitId(i), kind = "door-access", name = "Door " + i, cellId = "c1", secret = "bench-door-unit-secret-" + i }),
            }), cancellationToken);
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = directory,
                ["Seed:File"] = seed,
                ["Broker:Port"] = SmartCommunity.Testing.FreePort.Next().ToString(CultureInfo.InvariantCulture),
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
            builder.AddTimeSeries();
            builder.AddAlerts();
            if (withFeatures)
            {
                builder.AddShelters();
                builder.AddDoorAccess();
            }

            builder.StartIngest();
            var app = builder.Build();
            await app.StartAsync(cancellationToken);
            return new Host(app);
        }

        /// <summary>Five entrances per shelter, one door unit each.</summary>
        public void SeedShelters()
        {
            var registry = Get<ShelterRegistry>();
            for (var s = 0; s < SheltersCount; s++)
            {
                var entrances = Enumerable.Range(0, Units / SheltersCount)
                    .Select(e => new Entrance("e" + e, "Entrance " + e, [new CountingSource(UnitId((s * (Units / SheltersCount)) + e), null, null, false)]))
                    .ToList();
                registry.Upsert(new Shelter("shelter-" + s, "Shelter " + s, ShelterClass.Fixed, DurationClass.II, 100_000, 1.5, null, 66_666, 28.19 + (s * 0.001), 112.97,
                    "c1", entrances, true, null, null), "bench");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
