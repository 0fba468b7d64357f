using Microsoft.Extensions.FileProviders;
using Scalar.AspNetCore;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Operations;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Gateway.WaterSafety;

namespace SmartCommunity.Gateway.Extensions;

public static class GatewayEndpointExtensions
{
    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/reference").AllowAnonymous();
        app.MapOperationsApi();
        app.MapAuthApi();
        app.MapGridApi();
        app.MapPeopleApi();
        app.MapDevicesApi();
        app.MapMosquittoExport();
        app.MapAlertsApi();
        app.MapTimeSeriesApi();
        app.MapWaterSafetyApi();
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
