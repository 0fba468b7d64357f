namespace SmartCommunity.Gateway.Alerts;

/// <summary>Wiring of the alerts feature (issue 3): engine, routing and escalation, delivery channels, API, CAP.</summary>
public static class AlertsExtensions
{
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app) => app;
}
