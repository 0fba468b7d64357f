namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>Where the repository's files are, found from the test binary (no reliance on the working directory).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string WebRoot => Path.Combine(Root, "dashboards", "web");

    public static string DemoSeed => Path.Combine(Root, "deploy", "demo-community");

    /// <summary>
    /// Screenshots of each view, kept as test artefacts: <c>tests/SmartCommunity.Dashboard.Tests/TestResults/screenshots</c>
    /// (or <c>SC_SCREENSHOTS_DIR</c>).
    /// </summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("SC_SCREENSHOTS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Root, "tests", "SmartCommunity.Dashboard.Tests", "TestResults", "screenshots")).FullName;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmartCommunity.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SmartCommunity.sln not found above " + AppContext.BaseDirectory);
    }
}
