using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>Settings that put several in-process gateways on one fresh PostgreSQL database of the run's cluster.</summary>
internal static class ClusterDatabase
{
    public static async Task<Dictionary<string, string?>> NewAsync()
    {
        var cluster = await PostgresProcess.Shared;
        var name = "sc_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await cluster.EnsureDatabaseAsync(name);
        return new Dictionary<string, string?> { ["Database:Provider"] = "PostgreSql", ["Database:ConnectionString"] = cluster.ConnectionString(name) };
    }
}
