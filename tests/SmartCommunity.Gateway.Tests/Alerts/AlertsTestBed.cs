using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Delivery;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Alerts;

/// <summary>
/// A gateway on a fake clock with a full escalation chain: guard-a (building A) → chief-p1 (compound) →
/// community-c1 (community) → ps and em (staff). Helpers raise, flush and read alerts and history.
/// </summary>
public sealed class AlertsTestBed : IAsyncDisposable
{
    public const string Chief = "chief-p1";
    public const string CommunityPerson = "community-c1";

    private AlertsTestBed(GatewayFactory gateway, FakeTimeProvider? clock)
    {
        Gateway = gateway;
        Clock = clock;
    }

    public GatewayFactory Gateway { get; }

    public FakeTimeProvider? Clock { get; }

    internal AlertEngine Engine => Gateway.Get<AlertEngine>();

    internal AlertStore Store => Gateway.Get<AlertStore>();

    public IAlertService Alerts => Gateway.Get<IAlertService>();

    /// <param name="clock">A fake clock (scenario tests), or null for real time (MQTT, webhooks, SSE).</param>
    public static AlertsTestBed Start(FakeTimeProvider? clock = null, Dictionary<string, string?>? settings = null, GatewayFactory? reopenOf = null)
    {
        // Only the alerts engine runs on the fake clock: other features' timers stay on real time, so moving the
        // clock an hour does not also drive every periodic loop in the gateway.
        Action<IServiceCollection>? services = clock is null ? null : s => s.AddSingleton(sp => new AlertEngine(
            sp.GetRequiredService<AlertStore>(), sp.GetRequiredService<GridRegistry>(), sp.GetRequiredService<AlertMetrics>(),
            sp.GetRequiredService<AlertDispatcher>(), sp.GetRequiredService<LiveHub>(), clock,
            sp.GetRequiredService<IOptions<AlertsOptions>>(), sp.GetRequiredService<ILogger<AlertEngine>>()));
        var gateway = reopenOf is null ? new GatewayFactory(settings: settings, services: services) : reopenOf.Reopen(settings, services);
        gateway.Start();
        var bed = new AlertsTestBed(gateway, clock);
        if (reopenOf is null)
        {
            bed.AddPerson(Chief, Duty.GridChief, TestCommunity.Compound);
            bed.AddPerson(CommunityPerson, Duty.Community, TestCommunity.Community);
        }

        return bed;
    }

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero));

    public void AddPerson(string id, Duty duty, string cell, string? webhook = null) =>
        Assert.Null(Gateway.Get<GridRegistry>().UpsertPerson(new Person(id, id, Roles.Guard, duty, [cell], null, webhook, true), SecretHasher.Hash(TestCommunity.Password, 10_000)));

    public static AlertTrigger Trigger(string sourceId, string type, AlertLevel level, string cell = TestCommunity.BuildingA, string kind = "spot") =>
        new(new AlertSource(kind, sourceId), type, level, cell, new AlertText("有人进入危险水域", "Person in dangerous water"), new AlertText("水库下游浅滩检测到人员。", "A person was detected at the shallows below the reservoir."));

    /// <summary>Raises and waits until the engine has stored it; returns the open alert.</summary>
    public async Task<Alert> RaiseAsync(AlertTrigger trigger)
    {
        Assert.True(Alerts.Raise(trigger));
        await FlushAsync();
        return OpenFor(trigger.Source.Id).Single();
    }

    /// <summary>Waits until the engine has applied and stored everything queued so far (fails rather than hangs).</summary>
    public Task FlushAsync() => Engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Moves the fake clock and waits until the engine has processed what fell due.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock!.Advance(by);
        await FlushAsync();
    }

    public List<Alert> OpenFor(string sourceId) => Store.List(new AlertQuery(OpenOnly: true, Limit: 1000), null).Where(a => a.Source.Id == sourceId).ToList();

    public Alert Get(string id) => Store.Get(id)!;

    public List<AlertHistoryEntry> History(string id) => Store.History(id);

    public List<string> Notified(string id) => History(id).Where(h => h.Kind == "notified").Select(h => h.Actor!).ToList();

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
