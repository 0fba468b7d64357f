using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SmartCommunity.TimeSeries.Tests.Support;

public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception) + (exception is null ? "" : " " + exception);
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            text += " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
        }

        _entries.Enqueue((logLevel, text));
    }
}
