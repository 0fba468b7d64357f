namespace SmartCommunity.Gateway.Shelters;

/// <summary>Wiring of the emergency-shelter feature (issue 6): registry, occupancy, thresholds, redirect suggestions.</summary>
public static class SheltersExtensions
{
    public static IHostApplicationBuilder AddShelters(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapSheltersApi(this IEndpointRouteBuilder app) => app;
}
