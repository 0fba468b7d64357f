namespace SmartCommunity.Testing;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("sc-test-").FullName;

    public string Path { get; }

    /// <summary>A path inside this directory.</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process we started (a broker being stopped) may still be letting go of a file; the OS temp cleaner gets it.
        }
    }
}
