using System.Globalization;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Cluster;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>
/// Discharge notices: issue, amend, cancel; computes when the wave reaches each downstream spot and fires the
/// warnings when due. All state changes happen under one lock and are persisted before the lock is released,
/// so a restart resumes the schedule (what fell due while down fires once, on the first tick). With several
/// gateways (<see cref="ClusterLeases"/>) the schedule runs on the holder of the timers lease, every read starts
/// from the database (another gateway may have issued or amended a notice), and each spot's warning step is
/// recorded once in the database before it is sent, so a takeover never sends it twice.
/// </summary>
public sealed partial class DischargeScheduler(
    DischargeStore store, SpotRegistry spots, SpotMonitor monitor, WarningCommandSender commands, IAlertService alerts,
    GridRegistry grid, TimeProvider time, IOptions<WaterSafetyOptions> options, ILogger<DischargeScheduler> logger, IPointWriter series, ClusterLeases? leases = null) : BackgroundService
{
    /// <summary>Flow the gateway accepts, m³/s: the largest Chinese dam discharges stay well below this.</summary>
    public const double MaxFlowM3s = 100_000;

    private readonly Lock _lock = new();
    private readonly WaterSafetyOptions _options = options.Value;
    private Dictionary<string, Reservoir>? _reservoirs;
    private Dictionary<string, DischargeNotice>? _notices;

    public IReadOnlyList<Reservoir> Reservoirs
    {
        get
        {
            lock (_lock)
            {
                Ensure();
                return [.. _reservoirs!.Values.OrderBy(r => r.Id, StringComparer.Ordinal)];
            }
        }
    }

    public string? UpsertReservoir(Reservoir reservoir)
    {
        if (CheckReservoir(reservoir, grid.Snapshot, id => spots.Get(id) is not null) is { } error)
        {
            return error;
        }

        lock (_lock)
        {
            Ensure();
            store.SaveReservoir(reservoir);
            _reservoirs![reservoir.Id] = reservoir;
        }

        return null;
    }

    /// <summary>A reservoir's plan against the grid and the spots (<paramref name="spotExists"/>): null when valid, else the reason.</summary>
    internal static string? CheckReservoir(Reservoir reservoir, GridSnapshot grid, Func<string, bool> spotExists)
    {
        if (TravelTimes.Check(reservoir) is { } error)
        {
            return error;
        }

        if ((reservoir.Reaches ?? []).SelectMany(r => r.Spots ?? []).FirstOrDefault(s => !spotExists(s.SpotId)) is { } unknown)
        {
            return $"Spot '{unknown.SpotId}' does not exist.";
        }

        // The plan lists communities by their grid cell; only a Community cell has the officers the warning goes to.
        return (reservoir.Reaches ?? []).SelectMany(r => r.Communities ?? []).FirstOrDefault(c => grid.Cell(c.CommunityId) is not { Level: CellLevel.Community }) is { } notCommunity
            ? $"Community '{notCommunity.CommunityId}' is not a grid cell of level Community."
            : null;
    }

    public DischargeNotice? Get(string id)
    {
        lock (_lock)
        {
            Ensure();
            return _notices!.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<DischargeNotice> Notices()
    {
        lock (_lock)
        {
            Ensure();
            return [.. _notices!.Values.OrderByDescending(n => n.IssuedAt)];
        }
    }

    /// <summary>Issues a notice; on a bad request returns the reasons, one per field.</summary>
    public (DischargeNotice? Notice, Dictionary<string, string>? Errors) Issue(NoticeRequest request, string issuer)
    {
        lock (_lock)
        {
            Ensure();
            var now = time.GetUtcNow();
            if (Check(request, now) is { } errors)
            {
                return (null, errors);
            }

            var notice = new DischargeNotice
            {
                Id = "dn-" + now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6],
                IssuedBy = issuer,
                IssuedAt = now,
            };
            Apply(notice, request, now);
            notice.Timeline.Add(new TimelineEntry(now, "issued", Detail: Describe(notice)));
            _notices![notice.Id] = notice;
            FireDue(notice, now);
            UpdateWaves(now);
            store.SaveNotice(notice);
            RecordDischarge(notice, now);
            return (notice, null);
        }
    }

    public (DischargeNotice? Notice, Dictionary<string, string>? Errors) Amend(string id, NoticeRequest request, string by)
    {
        lock (_lock)
        {
            Ensure();
            var now = time.GetUtcNow();
            if (_notices!.GetValueOrDefault(id) is not { IsActive: true } notice)
            {
                return (null, null);
            }

            if (Check(request with { ReservoirId = request.ReservoirId ?? notice.ReservoirId }, now) is { } errors)
            {
                return (notice, errors);
            }

            var before = notice.Spots.ToList();
            notice.Amendments++;
            Apply(notice, request with { ReservoirId = request.ReservoirId ?? notice.ReservoirId }, now);
            notice.Timeline.Add(new TimelineEntry(now, "amended", Detail: $"{by}: {Describe(notice)}"));
            foreach (var dropped in before.Where(b => b.Phase != "passed" && !notice.Spots.Any(s => s.Kind == b.Kind && s.TargetId == b.TargetId)))
            {
                Withdraw(notice, dropped, $"discharge notice {id} amended by {by} no longer reaches it", now);
            }

            FireDue(notice, now);
            UpdateWaves(now);
            store.SaveNotice(notice);
            RecordDischarge(notice, now);
            return (notice, null);
        }
    }

    public DischargeNotice? Cancel(string id, string by)
    {
        lock (_lock)
        {
            Ensure();
            if (_notices!.GetValueOrDefault(id) is not { IsActive: true } notice)
            {
                return null;
            }

            var now = time.GetUtcNow();
            notice.State = "cancelled";
            notice.Timeline.Add(new TimelineEntry(now, "cancelled", Detail: by));
            foreach (var schedule in notice.Spots.Where(s => s.Phase != "passed"))
            {
                Withdraw(notice, schedule, $"discharge notice {id} cancelled by {by}", now);
            }

            UpdateWaves(now);
            store.SaveNotice(notice);
            RecordDischarge(notice, now);
            return notice;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Tick, time);
        RunIfHolder();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                RunIfHolder();
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                logger.LogError(ex, "Discharge schedule tick failed; it runs again on the next tick");
            }
        }
    }

    private void RunIfHolder()
    {
        if (leases?.Holds(ClusterLeases.Timers) ?? true)
        {
            RunDue();
        }
    }

    private void Ensure()
    {
        if (leases is { Enabled: true })
        {
            _reservoirs = null;
            _notices = null;
        }

        _reservoirs ??= store.LoadReservoirs().ToDictionary(r => r.Id, StringComparer.Ordinal);
        _notices ??= store.LoadNotices().ToDictionary(n => n.Id, StringComparer.Ordinal);
    }

    private static string Describe(DischargeNotice n) =>
        string.Create(CultureInfo.InvariantCulture, $"reservoir {n.ReservoirId}, gates open {n.GateOpenAt:O}, {n.FlowM3s} m³/s for {n.DurationMinutes} min");
}
