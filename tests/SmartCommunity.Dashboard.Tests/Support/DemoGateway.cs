using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>
/// The real gateway process (<see cref="GatewayProcess"/>, shared with the other suites) as the dashboard meets it in
/// production: serving <c>dashboards/web</c>, with the demo community seeded. <see cref="GatewayProcess.KillAsync"/>
/// and <see cref="GatewayProcess.RestartAsync"/> take it away and bring it back on the same ports and data, so a
/// browser sees the connection drop and come back.
/// </summary>
public static class DemoGateway
{
    /// <param name="workDirectory">Holds the seed and the data; the caller deletes it.</param>
    /// <param name="seedOverridesJson">Seed entries read after the demo's files (name order), so they replace theirs by ID.</param>
    public static Task<GatewayProcess> StartAsync(string workDirectory, string? seedOverridesJson = null)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.WebRoot, "node_modules")))
        {
            throw new InvalidOperationException($"The dashboard's libraries are not installed: run `npm ci` in {RepoPaths.WebRoot} (./test.sh does).");
        }

        var seed = Directory.CreateDirectory(Path.Combine(workDirectory, "seed")).FullName;
        foreach (var file in Directory.GetFiles(RepoPaths.DemoSeed, "*.json"))
        {
            File.Copy(file, Path.Combine(seed, Path.GetFileName(file)));
        }

        if (seedOverridesJson is not null)
        {
            File.WriteAllText(Path.Combine(seed, "99-dashboard-tests.json"), seedOverridesJson);
        }

        var settings = new Dictionary<string, string>
        {
            ["Auth__InitialAdminPassword"] = DemoPeople.AdminPassword,
            // The floor the option allows: hashing stays real, start-up stays quick.
            ["Auth__PasswordIterations"] = "10000",
            ["Dashboard__WebRoot"] = RepoPaths.WebRoot,
            // The recorder's free-disk guard (2 GiB by default) is not what these tests are about.
            ["Video__MinFreeBytes"] = "0",
        };

        // /alive, not /health: the demo's cameras, sirens and stations are not there, which /health reports.
        return GatewayProcess.StartWithSeedAsync(workDirectory, seed, settings, readyPath: "/alive");
    }
}
