using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Delivery;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>
/// A gateway where the alerts engine and the water-safety services run on one fake clock and everything else
/// (ingest, other features' loops) on real time, as <see cref="AlertsTestBed"/> does for the engine alone.
/// Device messages therefore carry real timestamps. Duty chain as in AlertsTestBed: guard-a → chief → community → staff.
/// </summary>
public sealed class FakeClockGateway : IAsyncDisposable
{
    private FakeClockGateway(GatewayFactory gateway, FakeTimeProvider clock)
    {
        Gateway = gateway;
        Clock = clock;
    }

    public GatewayFactory Gateway { get; }

    public FakeTimeProvider Clock { get; }

    internal AlertStore Store => Gateway.Get<AlertStore>();

    public static FakeClockGateway Start(FakeTimeProvider clock, GatewayFactory? reopenOf = null)
    {
        void Services(IServiceCollection s)
        {
            s.AddSingleton(sp => new AlertEngine(sp.GetRequiredService<AlertStore>(), sp.GetRequiredService<GridRegistry>(), sp.GetRequiredService<AlertMetrics>(),
                sp.GetRequiredService<AlertDispatcher>(), sp.GetRequiredService<LiveHub>(), clock,
                sp.GetRequiredService<IOptions<AlertsOptions>>(), sp.GetRequiredService<ILogger<AlertEngine>>()));
            s.AddSingleton(sp => new WarningCommandSender(sp.GetRequiredService<IDeviceBus>(), sp.GetRequiredService<IAlertService>(), sp.GetRequiredService<DeviceRegistry>(), clock,
                sp.GetRequiredService<IOptions<WaterSafetyOptions>>(), sp.GetRequiredService<MetricsRegistry>(), sp.GetRequiredService<ILogger<WarningCommandSender>>()));
            s.AddSingleton(sp => new SpotMonitor(sp.GetRequiredService<SpotRegistry>(), sp.GetRequiredService<IAlertService>(), sp.GetRequiredService<WarningCommandSender>(),
                clock, sp.GetRequiredService<IOptions<WaterSafetyOptions>>(), sp.GetRequiredService<IPointWriter>(), sp.GetRequiredService<ITimeSeriesStore>(),
                sp.GetRequiredService<DeviceRegistry>(), sp.GetRequiredService<ILogger<SpotMonitor>>()));
            s.AddSingleton(sp => new DischargeScheduler(sp.GetRequiredService<DischargeStore>(), sp.GetRequiredService<SpotRegistry>(), sp.GetRequiredService<SpotMonitor>(),
                sp.GetRequiredService<WarningCommandSender>(), sp.GetRequiredService<IAlertService>(), sp.GetRequiredService<GridRegistry>(), clock,
                sp.GetRequiredService<IOptions<WaterSafetyOptions>>(), sp.GetRequiredService<ILogger<DischargeScheduler>>(), sp.GetRequiredService<IPointWriter>()));
        }

        var gateway = reopenOf is null ? new GatewayFactory(services: Services) : reopenOf.Reopen(services: Services);
        gateway.Start();
        var bed = new FakeClockGateway(gateway, clock);
        if (reopenOf is null)
        {
            bed.AddPerson(AlertsTestBed.Chief, Duty.GridChief, TestCommunity.Compound);
            bed.AddPerson(AlertsTestBed.CommunityPerson, Duty.Community, TestCommunity.Community);
        }

        return bed;
    }

    public void AddPerson(string id, Duty duty, string cell) =>
        Assert.Null(Gateway.Get<GridRegistry>().UpsertPerson(new Person(id, id, Roles.Guard, duty, [cell], null, null, true), SecretHasher.Hash(TestCommunity.Password, 10_000)));

    public Task FlushAsync() => Gateway.Get<AlertEngine>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

    public List<Alert> OpenFor(string sourceId) => Store.List(new AlertQuery(OpenOnly: true, Limit: 1000), null).Where(a => a.Source.Id == sourceId).ToList();

    public Alert Get(string id) => Store.Get(id)!;

    public List<AlertHistoryEntry> History(string id) => Store.History(id);

    public List<string> Notified(string id) => History(id).Where(h => h.Kind == "notified").Select(h => h.Actor!).ToList();

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
