namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes: no fixed sleeps, and a message that says what never happened.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null, Func<string>? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + (what?.Invoke() ?? "a condition") + ".");
            }

            await Task.Delay(20);
        }
    }
}
