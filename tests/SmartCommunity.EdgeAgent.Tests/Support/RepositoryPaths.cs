namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>Files of the repository the tests read as a user would (the demo scenario, the demo seed).</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding SmartCommunity.sln, found upwards from the test binaries.</summary>
    public static string Root
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "SmartCommunity.sln")))
            {
                root = Path.GetDirectoryName(root)!;
            }

            return root;
        }
    }
}
