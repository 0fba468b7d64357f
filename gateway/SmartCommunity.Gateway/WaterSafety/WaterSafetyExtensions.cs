namespace SmartCommunity.Gateway.WaterSafety;

/// <summary>Wiring of the water-safety feature (issue 4): spots, levels, discharge warnings, drowning risk.</summary>
public static class WaterSafetyExtensions
{
    public static IHostApplicationBuilder AddWaterSafety(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapWaterSafetyApi(this IEndpointRouteBuilder app) => app;
}
