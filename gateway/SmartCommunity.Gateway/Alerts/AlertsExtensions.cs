using SmartCommunity.Gateway.Alerts.Api;
using SmartCommunity.Gateway.Alerts.Delivery;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Live;

namespace SmartCommunity.Gateway.Alerts;

/// <summary>Wiring of the alerts feature (issue 3): engine, routing and escalation, delivery channels, live stream, API, CAP.</summary>
public static class AlertsExtensions
{
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AlertsOptions>(AlertsOptions.Section);
        builder.Services.AddSingleton<LiveHub>();
        builder.Services.AddSingleton<ISchemaProvider, AlertsSchema>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<AlertMetrics>();
        builder.Services.AddHttpClient(WebhookAlertChannel.ClientName);
        builder.Services.AddSingleton<IAlertChannel, MqttAlertChannel>();
        builder.Services.AddSingleton<IAlertChannel, WebhookAlertChannel>();
        builder.Services.AddSingleton<AlertDispatcher>();
        builder.Services.AddSingleton<AlertEngine>();
        builder.Services.AddSingleton<IAlertService>(sp => sp.GetRequiredService<AlertEngine>());
        builder.Services.AddSingleton<IDeviceMessageHandler, TerminalAckHandler>();
        // Dispatcher before engine: hosted services stop in reverse, so the engine drains into a still-running dispatcher.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        builder.Services.AddSingleton<IDurableEffects>(sp => sp.GetRequiredService<AlertEngine>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertEngine>());
        builder.Services.AddHostedService<DeviceHealthAlerts>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapAlertsEndpoints();
        app.MapLiveApi();
        return app;
    }
}
