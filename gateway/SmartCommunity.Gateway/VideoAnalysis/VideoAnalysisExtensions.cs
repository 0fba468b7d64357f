namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>Wiring of the frame path hosted in the gateway (issue 5): per-camera analysis that turns pixels into camera events.</summary>
public static class VideoAnalysisExtensions
{
    public static IHostApplicationBuilder AddVideoAnalysis(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapVideoAnalysisApi(this IEndpointRouteBuilder app) => app;
}
