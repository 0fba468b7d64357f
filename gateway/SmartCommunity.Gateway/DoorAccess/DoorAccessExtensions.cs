using SmartCommunity.Gateway.DoorAccess.Api;
using SmartCommunity.Gateway.DoorAccess.Events;
using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;

namespace SmartCommunity.Gateway.DoorAccess;

/// <summary>Wiring of the door-access feature (issue 6): access events, alarms and the event log.</summary>
public static class DoorAccessExtensions
{
    public static IHostApplicationBuilder AddDoorAccess(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DoorAccessOptions>(DoorAccessOptions.Section);
        builder.Services.AddSingleton<ISchemaProvider, DoorEventSchema>();
        builder.Services.AddSingleton<DoorAlarms>();
        builder.Services.AddSingleton<DoorEventLog>();
        builder.Services.AddSingleton<IDeviceMessageHandler>(sp => sp.GetRequiredService<DoorEventLog>());
        builder.Services.AddSingleton<IDurableEffects>(sp => sp.GetRequiredService<DoorEventLog>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DoorEventLog>());
        return builder;
    }

    public static IEndpointRouteBuilder MapDoorAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapDoorEndpoints();
        return app;
    }
}
