using SmartCommunity.Gateway.Extensions;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>Wiring of the frame path hosted in the gateway (issue 5): per-camera analysis that turns pixels into camera events.</summary>
public static class VideoAnalysisExtensions
{
    public static IHostApplicationBuilder AddVideoAnalysis(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<VideoAnalysisOptions>(VideoAnalysisOptions.Section);
        builder.Services.AddSingleton<AnalysisMetrics>();
        builder.Services.AddSingleton<VideoAnalysisService>();
        // Registered after ingest, so at shutdown the cameras stop and deliver their last events before ingest drains.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VideoAnalysisService>());
        return builder;
    }

    public static IEndpointRouteBuilder MapVideoAnalysisApi(this IEndpointRouteBuilder app)
    {
        app.MapAnalysisApi();
        return app;
    }
}
