using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.Shelters.Api;
using SmartCommunity.Gateway.Shelters.Occupancy;
using SmartCommunity.Gateway.TimeSeries;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>Wiring of the emergency-shelter feature (issue 6): registry, occupancy, thresholds, redirect suggestions.</summary>
public static class SheltersExtensions
{
    public static IHostApplicationBuilder AddShelters(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<SheltersOptions>(SheltersOptions.Section);
        builder.Services.AddSingleton<ISchemaProvider, ShelterSchema>();
        builder.Services.AddSingleton<ShelterRegistry>();
        builder.Services.AddSingleton<ISeedSection, ShelterSeedSection>();
        builder.Services.AddSingleton<ShelterMetrics>();
        builder.Services.AddSingleton<ShelterCounter>();
        builder.Services.AddSingleton<IDeviceMessageHandler>(sp => sp.GetRequiredService<ShelterCounter>());
        builder.Services.AddSingleton<IDurableEffects>(sp => sp.GetRequiredService<ShelterCounter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShelterCounter>());
        builder.Services.AddSingleton(new SeriesDefinition(SeriesNames.ShelterOccupancy, ["occupants", "capacity"], PerDevice: false));
        return builder;
    }

    public static IEndpointRouteBuilder MapSheltersApi(this IEndpointRouteBuilder app)
    {
        app.MapShelterEndpoints();
        return app;
    }
}
