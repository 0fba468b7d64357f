namespace SmartCommunity.Media.Tests.Support;

/// <summary>Output captured from the installed ffmpeg/ffprobe (Resources/), read as the tool wrote it.</summary>
internal static class Captured
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Resources", name));

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Resources", name));
}
