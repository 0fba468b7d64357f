using System.Collections.Concurrent;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>
/// The cameras a test puts in: the contract of <see cref="ICameraCatalog"/> (Changed after every add, change or
/// removal) without the video feature's registry, so the frame path is tested on its own.
/// </summary>
internal sealed class TestCameraCatalog : ICameraCatalog
{
    private readonly ConcurrentDictionary<string, Camera> _cameras = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Camera> All => [.. _cameras.Values];

    public event Action<string>? Changed;

    public Camera? Find(string id) => _cameras.TryGetValue(id, out var camera) ? camera : null;

    public void Put(Camera camera)
    {
        _cameras[camera.Id] = camera;
        Changed?.Invoke(camera.Id);
    }

    public void Remove(string id)
    {
        _cameras.TryRemove(id, out _);
        Changed?.Invoke(id);
    }

    public static Camera Camera(string id, string url, IReadOnlyList<CameraZone>? zones = null, IReadOnlyList<CameraLine>? lines = null,
        string? username = null, string? password = null, AnalysisSite site = AnalysisSite.Gateway) =>
        new(id, "Camera " + id, Support.TestCommunity.BuildingA, null, null, new CameraStreams(url, null, username, password),
            zones ?? [], lines ?? [], RecordingPolicy.Default, AnalysisPolicy.Default with { Site = site });
}
