using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>Cameras for the frame-path tests: in building A, analysed in the gateway at 5 fps, 640×360 unless told otherwise.</summary>
internal static class TestCameras
{
    public static Camera Camera(string id, string url, IReadOnlyList<CameraZone>? zones = null, IReadOnlyList<CameraLine>? lines = null,
        string? username = null, string? password = null, AnalysisSite site = AnalysisSite.Gateway) =>
        new(id, "Camera " + id, Support.TestCommunity.BuildingA, null, null, new CameraStreams(url, null, username, password),
            zones ?? [], lines ?? [], RecordingPolicy.Default with { Enabled = false }, AnalysisPolicy.Default with { Site = site });
}
