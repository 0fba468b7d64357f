namespace SmartCommunity.Gateway.Video;

/// <summary>Wiring of the video feature (issue 5): camera registry, recording, footage, snapshots, clips.</summary>
public static class VideoExtensions
{
    public static IHostApplicationBuilder AddVideo(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app) => app;
}
