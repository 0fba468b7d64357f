using Microsoft.Extensions.Configuration;
using SmartCommunity.EdgeAgent.Drivers.Camera;

namespace SmartCommunity.EdgeAgent.Tests.Drivers.Camera;

/// <summary>The driver's settings as the agent binds them from its configuration.</summary>
public sealed class CameraAnalysisSettingsTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData(null, false)]
    public void AMotionOnlyDoorLineCountsWithoutPersonDetectionAndAPersonLineNeedsIt(string? motionOnly, bool expected)
    {
        var values = new Dictionary<string, string?>
        {
            ["Url"] = "/clips/door.mp4",
            ["Lines:0:Id"] = "door",
            ["Lines:0:A:X"] = "0.5", ["Lines:0:A:Y"] = "0.1",
            ["Lines:0:B:X"] = "0.5", ["Lines:0:B:Y"] = "1.0",
            ["Lines:0:InSide:X"] = "0.95", ["Lines:0:InSide:Y"] = "0.5",
            ["Lines:0:MotionOnly"] = motionOnly,
        };
        var settings = new ConfigurationBuilder().AddInMemoryCollection(values).Build().Get<CameraAnalysisSettings>()!;
        Assert.Null(settings.Problem());

        var (zones, lines) = settings.Regions();
        Assert.Equal(expected, Assert.Single(lines).MotionOnly);
        Assert.Equal(!expected, CameraAnalysisSettings.NeedsDetector(zones, lines));
    }
}
