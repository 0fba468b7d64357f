namespace SmartCommunity.Resilience.Tests;

public sealed class BackoffTests
{
    private static readonly Backoff OneToThirty = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    [Fact]
    public void EachWaitIsBetweenHalfAndAllOfAStepThatDoublesUpToTheCap()
    {
        var backoff = new BackoffCounter(OneToThirty, new Random(42));
        double[] steps = [1, 2, 4, 8, 16, 30, 30, 30, 30];
        foreach (var step in steps)
        {
            Assert.InRange(backoff.Next().TotalSeconds, step / 2, step);
        }

        Assert.Equal(steps.Length, backoff.Attempt);
    }

    [Fact]
    public void AResetStartsAgainFromTheFirstStep()
    {
        var backoff = new BackoffCounter(OneToThirty, new Random(7));
        for (var i = 0; i < 6; i++)
        {
            backoff.Next();
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void ManyAttemptsNeitherOverflowNorExceedTheCap()
    {
        var backoff = new BackoffCounter(OneToThirty, new Random(1));
        for (var i = 0; i < 10_000; i++)
        {
            // From the sixth failure on, the step is the cap.
            Assert.InRange(backoff.Next().TotalSeconds, i < 5 ? 0.5 : 15, 30);
        }
    }

    [Fact]
    public void TheJitterSpreadsWaitsOverTheWholeUpperHalfOfTheStep()
    {
        // Many clients failing together must not come back together: the waits of one step cover its upper half.
        var random = new Random(3);
        var waits = Enumerable.Range(0, 1000).Select(_ => OneToThirty.Delay(6, random).TotalSeconds).ToList();
        Assert.InRange(waits.Min(), 15, 16);
        Assert.InRange(waits.Max(), 29, 30);
    }

    [Fact]
    public void ARetryNumberBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OneToThirty.Delay(0));
}
