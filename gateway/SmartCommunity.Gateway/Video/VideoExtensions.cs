using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Clips;
using SmartCommunity.Gateway.Video.Events;
using SmartCommunity.Gateway.Video.Footage;
using SmartCommunity.Gateway.Video.LiveView;
using SmartCommunity.Gateway.Video.Retention;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Video.Snapshots;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video;

/// <summary>Wiring of the video feature (issue 5): camera registry, recording, footage, live view, snapshots, clips.</summary>
public static class VideoExtensions
{
    public static IHostApplicationBuilder AddVideo(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<VideoOptions>(VideoOptions.Section);
        builder.Services.AddSingleton<VideoPaths>();
        // The one ffmpeg process runner (SmartCommunity.Media): caps one-shot jobs, kills at the time limit, logs at Debug.
        builder.Services.AddSingleton(sp => new MediaRunner(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<VideoOptions>>().Value.MaxToolJobs, sp.GetRequiredService<ILogger<MediaRunner>>()));
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
        builder.Services.AddSingleton<VideoMetrics>();
        builder.Services.AddSingleton<SegmentRepair>();
        builder.Services.AddSingleton<RecordingSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RecordingSupervisor>());
        builder.Services.AddSingleton<CameraDownAlerts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CameraDownAlerts>());
        builder.Services.AddSingleton<ClipStore>();
        builder.Services.AddSingleton<ClipExporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClipExporter>());
        builder.Services.AddSingleton<CameraEventIndex>();
        builder.Services.AddSingleton<IDeviceMessageHandler>(sp => sp.GetRequiredService<CameraEventIndex>());
        builder.Services.AddSingleton<IDurableEffects>(sp => sp.GetRequiredService<CameraEventIndex>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CameraEventIndex>());
        builder.Services.AddSingleton<FootageRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FootageRetention>());
        builder.Services.AddSingleton<LiveVideoHub>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app)
    {
        app.MapCamerasApi();
        app.MapSnapshotsApi();
        app.MapFootageApi();
        app.MapLiveVideoApi();
        app.MapClipsApi();
        app.MapCameraEventsApi();
        return app;
    }
}
