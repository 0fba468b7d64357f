using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Protocol.Tests;

public class SequenceWindowTests
{
    [Fact]
    public void EachSequenceNumberIsAcceptedOnce()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(0, 1));
        Assert.False(window.TryAccept(0, 1));
        Assert.True(window.TryAccept(0, 2));
        Assert.False(window.TryAccept(0, 2));
        Assert.False(window.TryAccept(0, 1));
    }

    [Fact]
    public void OutOfOrderMessagesInsideTheWindowAreAcceptedOnceAndFillGaps()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(0, 10));
        Assert.True(window.TryAccept(0, 15));
        Assert.Equal(4, window.Gaps);
        Assert.True(window.TryAccept(0, 12));
        Assert.False(window.TryAccept(0, 12));
        Assert.Equal(3, window.Gaps);
        Assert.True(window.TryAccept(0, 11));
        Assert.True(window.TryAccept(0, 13));
        Assert.True(window.TryAccept(0, 14));
        Assert.Equal(0, window.Gaps);
    }

    [Fact]
    public void WindowSlidesAcrossWordBoundariesWithoutForgettingRecentNumbers()
    {
        var window = new SequenceWindow();
        for (var seq = 0; seq < 1000; seq += 3)
        {
            Assert.True(window.TryAccept(0, seq));
        }

        // Recent ones (inside 256) are remembered, older ones are treated as duplicates.
        Assert.False(window.TryAccept(0, 999));
        Assert.False(window.TryAccept(0, 999 - 129));
        Assert.True(window.TryAccept(0, 998));
        Assert.True(window.TryAccept(0, 999 - 200));
        Assert.False(window.TryAccept(0, 999 - 300));
    }

    [Fact]
    public void AHigherBootStartsANewSequenceAndAnOlderBootIsRefused()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(1, 500));
        Assert.True(window.TryAccept(2, 0));
        Assert.True(window.TryAccept(2, 1));
        Assert.False(window.TryAccept(1, 501));
        Assert.Equal(2, window.Boot);
    }

    [Fact]
    public void AJumpLargerThanTheWindowClearsItAndCountsTheGap()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(0, 1));
        Assert.True(window.TryAccept(0, 1001));
        Assert.Equal(999, window.Gaps);
        Assert.False(window.TryAccept(0, 1001));
        Assert.True(window.TryAccept(0, 1000));
    }
}
