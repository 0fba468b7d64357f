using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.WaterSafety;

/// <summary>Wiring of the water-safety feature (issue 4): spots, levels, discharge warnings, drowning risk.</summary>
public static class WaterSafetyExtensions
{
    public static IHostApplicationBuilder AddWaterSafety(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<WaterSafetyOptions>(WaterSafetyOptions.Section);
        builder.Services.AddSingleton<ISchemaProvider, SpotSchema>();
        builder.Services.AddSingleton<SpotRegistry>();
        builder.Services.AddSingleton<ISeedSection, SpotSeedSection>();
        builder.Services.AddSingleton<WarningCommandSender>();
        builder.Services.AddSingleton<SpotMonitor>();
        builder.Services.AddSingleton<IDeviceMessageHandler>(sp => sp.GetRequiredService<SpotMonitor>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WarningCommandSender>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SpotMonitor>());
        builder.Services.AddSingleton<DischargeStore>();
        builder.Services.AddSingleton<DischargeScheduler>();
        builder.Services.AddSingleton<ISeedSection, ReservoirSeedSection>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DischargeScheduler>());

        // The feature's own series (docs/timeseries.md): charted by the API and the Grafana water-safety dashboard.
        builder.Services.AddSingleton(new SeriesDefinition(SeriesNames.WaterRisk, ["level_m", "risk"], PerDevice: false));
        builder.Services.AddSingleton(new SeriesDefinition(SeriesNames.WaterDischarge, ["flow_m3s", "active"], PerDevice: false));
        return builder;
    }

    public static IEndpointRouteBuilder MapWaterSafetyApi(this IEndpointRouteBuilder app)
    {
        app.MapSpotsApi();
        app.MapNoticesApi();
        return app;
    }
}
