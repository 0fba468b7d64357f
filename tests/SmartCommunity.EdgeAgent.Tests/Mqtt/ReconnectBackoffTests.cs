using SmartCommunity.EdgeAgent.Mqtt;

namespace SmartCommunity.EdgeAgent.Tests.Mqtt;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void DelaysDoubleWithJitterUpToTheCapAndStartOverAfterAReset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(42));
        double[] ceilings = [1, 2, 4, 8, 16, 30, 30, 30, 30];
        foreach (var ceiling in ceilings)
        {
            Assert.InRange(backoff.Next().TotalSeconds, ceiling / 2, ceiling);
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void ManyAttemptsNeitherOverflowNorExceedTheCap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(1));
        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(backoff.Next().TotalSeconds, 0.5, 30);
        }
    }
}
