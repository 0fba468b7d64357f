using Microsoft.Extensions.FileProviders;

namespace SmartCommunity.Gateway.Dashboard;

/// <summary>Wiring of the built-in dashboard (issue 8): the static app and the endpoints made for it.</summary>
public static class DashboardExtensions
{
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app) => app;

    /// <summary>
    /// Serves the dashboard from <c>Dashboard:WebRoot</c> (default: <c>dashboards/web</c> found by walking up from
    /// the working directory, or the copy next to the binary). No separate web server to run.
    /// </summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var root = app.Configuration["Dashboard:WebRoot"] ?? FindWebRoot();
        if (root is null || !Directory.Exists(root))
        {
            app.Logger.LogWarning("Dashboard files not found (Dashboard:WebRoot); the API still works");
            return app;
        }

        var files = new PhysicalFileProvider(Path.GetFullPath(root));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }

    private static string? FindWebRoot()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(local))
        {
            return local;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "dashboards", "web");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
