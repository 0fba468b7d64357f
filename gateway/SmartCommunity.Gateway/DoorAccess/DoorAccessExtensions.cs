namespace SmartCommunity.Gateway.DoorAccess;

/// <summary>Wiring of the door-access feature (issue 6): access events, alarms and the event log.</summary>
public static class DoorAccessExtensions
{
    public static IHostApplicationBuilder AddDoorAccess(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapDoorAccessApi(this IEndpointRouteBuilder app) => app;
}
