using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Gateway.Infrastructure.Logging;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Infrastructure;

public sealed class RateLimitedLogTests
{
    [Fact]
    public void AFloodFromOneDeviceLogsOnceAnIntervalWithTheNumberSuppressedAndDoesNotHideOthers()
    {
        var lines = new List<string>();
        var time = new FakeTimeProvider();
        var log = new RateLimitedLog(new ListLoggerProvider(lines).CreateLogger("test"), time, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 1_000; i++)
        {
            log.Warning("dev-1/malformed_json", "Refused {Device}", "dev-1");
        }

        log.Warning("dev-2/malformed_json", "Refused {Device}", "dev-2");
        time.Advance(TimeSpan.FromSeconds(31));
        log.Warning("dev-1/malformed_json", "Refused {Device}", "dev-1");

        Assert.Equal(3, lines.Count);
        Assert.Contains("dev-2", lines[1], StringComparison.Ordinal);
        Assert.Contains("999 similar messages suppressed", lines[2], StringComparison.Ordinal);
    }
}
