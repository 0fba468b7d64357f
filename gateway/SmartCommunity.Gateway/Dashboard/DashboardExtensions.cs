using Microsoft.Extensions.FileProviders;

namespace SmartCommunity.Gateway.Dashboard;

/// <summary>Wiring of the built-in dashboard (issue 8): the static app and the endpoints made for it.</summary>
public static class DashboardExtensions
{
    /// <summary>
    /// Front-end libraries served from the app's <c>node_modules</c> (installed by <c>npm ci</c> from the pinned
    /// lockfile): URL prefix → the package's folder of built files. Only these folders are served, not the
    /// whole <c>node_modules</c>.
    /// </summary>
    private static readonly (string RequestPath, string Folder)[] Vendor =
    [
        ("/vendor/hls.js", "node_modules/hls.js/dist"),
        ("/vendor/uplot", "node_modules/uplot/dist"),
    ];

    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapNoticePreviewApi();
        return app;
    }

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

        root = Path.GetFullPath(root);
        // Only the app's own files (index.html, styles.css, app/…) and, below, the libraries' built folders: never
        // package.json, the lockfile or node_modules, however the path is spelled (see AllowListFileProvider).
        var files = new AllowListFileProvider(new PhysicalFileProvider(root), IsAppFile);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, OnPrepareResponse = NoCacheForApp });

        foreach (var (requestPath, folder) in Vendor)
        {
            var path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                app.Logger.LogWarning("Dashboard library folder {Folder} is missing: run `npm ci` in {Root} (run.sh and test.sh do)", folder, root);
                continue;
            }

            var vendor = new AllowListFileProvider(new PhysicalFileProvider(path), _ => true);
            app.UseStaticFiles(new StaticFileOptions { FileProvider = vendor, RequestPath = requestPath });
        }

        return app;
    }

    /// <summary>The dashboard's own files, by normalised path (no leading slash).</summary>
    internal static bool IsAppFile(string path) =>
        path is "index.html" or "styles.css" || path.StartsWith("app/", StringComparison.Ordinal);

    // The app's own files change with every deployment and have no hashed names: revalidate each time (ETag
    // makes that a 304), so a guard's phone never runs yesterday's script against today's API.
    private static void NoCacheForApp(Microsoft.AspNetCore.StaticFiles.StaticFileResponseContext context) =>
        context.Context.Response.Headers.CacheControl = "no-cache";

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
