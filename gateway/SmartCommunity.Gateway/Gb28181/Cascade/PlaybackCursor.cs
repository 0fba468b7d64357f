namespace SmartCommunity.Gateway.Gb28181.Cascade;

/// <summary>
/// Where a playback sent upward stands (GB/T 28181-2016 §9.8.2): the position in the played range, the speed and
/// whether it is paused, as the superior's MANSRTSP controls set them. The position runs with the clock at the speed
/// while playing. Each change cancels <see cref="Changed"/>, and the sender starts ffmpeg again from the new state.
/// </summary>
public sealed class PlaybackCursor(TimeSpan length, double scale, TimeProvider time) : IDisposable
{
    private readonly Lock _lock = new();
    private TimeSpan _position;
    private DateTimeOffset _since = time.GetUtcNow();
    private CancellationTokenSource _changed = new();
    private bool _disposed;

    public TimeSpan Length { get; } = length;

    public double Scale { get; private set; } = scale;

    public bool Paused { get; private set; }

    /// <summary>The position now, within [0, <see cref="Length"/>].</summary>
    public TimeSpan Position
    {
        get
        {
            lock (_lock)
            {
                return Now();
            }
        }
    }

    /// <summary>Cancelled at the next change: the running ffmpeg is for a state that is gone.</summary>
    public CancellationToken Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Token;
            }
        }
    }

    public void Pause() => Change(() => Paused = true);

    /// <summary>PLAY: from <paramref name="seconds"/> into the range (a seek) or from where it is, at <paramref name="scale"/> when given.</summary>
    public void Play(double? seconds, double? scale) => Change(() =>
    {
        if (seconds is { } s)
        {
            _position = TimeSpan.FromSeconds(Math.Clamp(s, 0, Length.TotalSeconds));
        }

        Scale = scale ?? Scale;
        Paused = false;
    });

    private void Change(Action change)
    {
        CancellationTokenSource old;
        lock (_lock)
        {
            if (_disposed)
            {
                return; // The playback ended while the control was on its way.
            }

            _position = Now();
            _since = time.GetUtcNow();
            change();
            old = _changed;
            _changed = new CancellationTokenSource();
        }

        // Not disposed: a sender may still link to its token, which must read as cancelled.
        old.Cancel();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _changed.Dispose();
        }
    }

    private TimeSpan Now()
    {
        var position = Paused ? _position : _position + ((time.GetUtcNow() - _since) * Scale);
        return position < TimeSpan.Zero ? TimeSpan.Zero : position > Length ? Length : position;
    }
}
