using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Video.Retention;
using SmartCommunity.Gateway.Video.Snapshots;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>Retention on a fake clock with real files and the real index: days per camera, the disk guard, and what it must keep.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: VideoTestBed.Settings(new() { ["Video:RecordingEnabled"] = "false" })).Start();
        using var ps = await _gateway.LoginAsync("ps");
        var response = await ps.PutAsJsonAsync("/api/video/cameras/" + VideoTestBed.Camera, new
        {
            name = "Retention camera",
            cellId = TestCommunity.BuildingA,
            mainUrl = "rtsp://10.0.0.9/main",
            recording = new { enabled = true, segmentSeconds = 10, retentionDays = 7 },
        });
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private FootageRetention Retention(long maxFootageBytes = 0) => new(
        _gateway.Get<SegmentIndex>(), _gateway.Get<VideoPaths>(), _gateway.Get<ICameraCatalog>(), _gateway.Get<SnapshotStore>(), _gateway.Services,
        _gateway.Get<VideoMetrics>(), Options.Create(new VideoOptions { MinFreeBytes = 0, MaxFootageBytes = maxFootageBytes }), _clock, NullLogger<FootageRetention>.Instance);

    /// <summary>A real 10 s segment file of <paramref name="size"/> bytes, indexed as starting at <paramref name="start"/>.</summary>
    private VideoSegment Segment(DateTimeOffset start, int size = 1000, string camera = VideoTestBed.Camera)
    {
        var paths = _gateway.Get<VideoPaths>();
        var folder = Path.Combine(paths.CameraFootage(camera), SegmentNames.DateFolder(start));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"00000000000a-{start.ToUnixTimeSeconds() % 1_000_000:000000}.ts");
        File.WriteAllBytes(file, new byte[size]);
        return _gateway.Get<SegmentIndex>().Add(camera, start.ToUnixTimeMilliseconds(), start.AddSeconds(10).ToUnixTimeMilliseconds(), size, paths.Relative(file), "00000000000a", repaired: false);
    }

    private bool Exists(VideoSegment segment) =>
        _gateway.Get<SegmentIndex>().Get(segment.Id) is not null && File.Exists(_gateway.Get<VideoPaths>().Resolve(segment.Path));

    [Fact]
    public async Task ExpiredFootageGoesButEvidenceAndFootageOfAnOpenAlertStay()
    {
        var expired = Segment(Now.AddDays(-10));
        var evidence = Segment(Now.AddDays(-9));
        var alerted = Segment(Now.AddDays(-8));
        var recent = Segment(Now.AddDays(-6));
        var deletedCamera = Segment(Now.AddDays(-40), camera: "43010200011320000066");
        _gateway.Get<SegmentIndex>().Flag(VideoTestBed.Camera, evidence.StartMs, evidence.EndMs, "evidence");
        var alerts = _gateway.Get<IAlertService>();
        Assert.True(alerts.Raise(new AlertTrigger(new AlertSource("spot", "retention-spot"), "person_in_danger_zone", AlertLevel.Red, TestCommunity.BuildingA,
            new AlertText("有人", "Person"), new AlertText("有人", "Person"))
        {
            Evidence = [new EvidenceLink("footage", $"/api/video/cameras/{VideoTestBed.Camera}/footage?from={alerted.StartMs}&to={alerted.EndMs}", From: DateTimeOffset.FromUnixTimeMilliseconds(alerted.StartMs), To: DateTimeOffset.FromUnixTimeMilliseconds(alerted.EndMs))],
        }));
        await Eventually.TrueAsync(() => _gateway.Get<AlertStore>().LoadOpen().Any(a => a.Source.Id == "retention-spot"), because: "alert stored");

        var result = Retention().RunOnce();

        Assert.False(Exists(expired));
        Assert.False(Exists(deletedCamera), "a deleted camera's footage expires after the default 30 days");
        Assert.True(Exists(evidence));
        Assert.True(Exists(alerted));
        Assert.True(Exists(recent));
        Assert.Equal(2, result.ExpiredSegments);
        Assert.Equal(2, result.KeptForEvidence);

        // A week later the recent one has expired too; the protected ones still stay.
        _clock.Advance(TimeSpan.FromDays(7));
        Retention().RunOnce();
        Assert.False(Exists(recent));
        Assert.True(Exists(evidence));
        Assert.True(Exists(alerted));
    }

    [Fact]
    public void TheDiskGuardDeletesOldestFirstUntilFootageFitsAndNeverEvidence()
    {
        var oldest = Segment(Now.AddHours(-5), 4000);
        var evidence = Segment(Now.AddHours(-4), 4000);
        var middle = Segment(Now.AddHours(-3), 4000);
        var newer = Segment(Now.AddHours(-2), 4000);
        var newest = Segment(Now.AddHours(-1), 4000);
        _gateway.Get<SegmentIndex>().Flag(VideoTestBed.Camera, evidence.StartMs, evidence.EndMs, "evidence");

        var result = Retention(maxFootageBytes: 12_000).RunOnce();

        Assert.False(Exists(oldest));
        Assert.False(Exists(middle));
        Assert.True(Exists(evidence));
        Assert.True(Exists(newer));
        Assert.True(Exists(newest));
        Assert.Equal(2, result.GuardSegments);
        Assert.Equal(8000, result.BytesFreed);

        // When only evidence is left over the limit, the guard stops instead of deleting it.
        var onlyEvidence = Retention(maxFootageBytes: 1).RunOnce();
        Assert.True(Exists(evidence));
        Assert.Equal(2, onlyEvidence.GuardSegments);
    }

    [Fact]
    public void TheFreeSpaceGuardDeletesWhileTheDiskIsShort()
    {
        var oldest = Segment(Now.AddHours(-2), 5000);
        var newest = Segment(Now.AddHours(-1), 5000);
        var free = 0L;
        var retention = new FootageRetention(_gateway.Get<SegmentIndex>(), _gateway.Get<VideoPaths>(), _gateway.Get<ICameraCatalog>(), _gateway.Get<SnapshotStore>(), _gateway.Services,
            _gateway.Get<VideoMetrics>(), Options.Create(new VideoOptions { MinFreeBytes = 3000, MaxFootageBytes = 0 }), _clock, NullLogger<FootageRetention>.Instance);
        // The disk gains what is deleted.
        retention.FreeBytes = () => free + (Exists(oldest) ? 0 : 5000);

        retention.RunOnce();

        Assert.False(Exists(oldest));
        Assert.True(Exists(newest));
    }
}
