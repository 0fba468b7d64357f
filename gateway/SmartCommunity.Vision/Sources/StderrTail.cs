namespace SmartCommunity.Vision.Sources;

/// <summary>Keeps ffmpeg's last few stderr lines (credentials masked) to explain why it stopped.</summary>
internal sealed class StderrTail(int capacity = 8)
{
    private readonly Queue<string> _lines = new();

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_lines)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(FfmpegArguments.MaskCredentials(line.Trim()));
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(" | ", _lines);
        }
    }
}
