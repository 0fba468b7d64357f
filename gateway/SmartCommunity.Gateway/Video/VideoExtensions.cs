using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Video.Snapshots;

namespace SmartCommunity.Gateway.Video;

/// <summary>Wiring of the video feature (issue 5): camera registry, recording, footage, snapshots, clips.</summary>
public static class VideoExtensions
{
    public static IHostApplicationBuilder AddVideo(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<VideoOptions>(VideoOptions.Section);
        builder.Services.AddSingleton<VideoPaths>();
        builder.Services.AddSingleton<ISchemaProvider, VideoSchema>();
        builder.Services.AddSingleton<CameraRegistry>();
        builder.Services.AddSingleton<ICameraCatalog>(sp => sp.GetRequiredService<CameraRegistry>());
        builder.Services.AddSingleton<ISeedSection, CameraSeedSection>();
        builder.Services.AddSingleton<CameraStatusBoard>();
        builder.Services.AddSingleton<StreamProber>();
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddSingleton<ISnapshotStore>(sp => sp.GetRequiredService<SnapshotStore>());
        builder.Services.AddSingleton<SegmentIndex>();
        builder.Services.AddSingleton<LatestSnapshotSource>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app)
    {
        app.MapCamerasApi();
        app.MapSnapshotsApi();
        return app;
    }
}
