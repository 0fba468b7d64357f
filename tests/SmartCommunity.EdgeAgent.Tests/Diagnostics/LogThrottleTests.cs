using Microsoft.Extensions.Time.Testing;
using SmartCommunity.EdgeAgent.Diagnostics;

namespace SmartCommunity.EdgeAgent.Tests.Diagnostics;

public sealed class LogThrottleTests
{
    [Fact]
    public void OneOccurrencePerIntervalIsLetThroughWithACountOfTheOnesSkipped()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle(time, TimeSpan.FromMinutes(1));

        Assert.True(throttle.ShouldLog(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(throttle.ShouldLog(out _));
        }

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.ShouldLog(out var skipped));
        Assert.Equal(5, skipped);
    }

    [Fact]
    public void AfterAResetTheNextOccurrenceIsLetThrough()
    {
        var throttle = new LogThrottle(new FakeTimeProvider(), TimeSpan.FromMinutes(5));
        Assert.True(throttle.ShouldLog(out _));
        Assert.False(throttle.ShouldLog(out _));
        throttle.Reset();
        Assert.True(throttle.ShouldLog(out _));
    }
}
