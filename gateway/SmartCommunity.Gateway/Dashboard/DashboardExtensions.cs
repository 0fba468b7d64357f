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
        var files = new PhysicalFileProvider(root);
        // node_modules and the npm files are not part of the app; the libraries are served under /vendor only.
        app.UseWhen(
            http => !http.Request.Path.StartsWithSegments("/node_modules", StringComparison.OrdinalIgnoreCase)
                && !http.Request.Path.StartsWithSegments("/package.json", StringComparison.OrdinalIgnoreCase)
                && !http.Request.Path.StartsWithSegments("/package-lock.json", StringComparison.OrdinalIgnoreCase),
            web =>
            {
                web.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
                web.UseStaticFiles(new StaticFileOptions { FileProvider = files, OnPrepareResponse = NoCacheForApp });
            });

        foreach (var (requestPath, folder) in Vendor)
        {
            var path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                app.Logger.LogWarning("Dashboard library folder {Folder} is missing: run `npm ci` in {Root} (run.sh and test.sh do)", folder, root);
                continue;
            }

            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(path), RequestPath = requestPath });
        }

        return app;
    }

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
