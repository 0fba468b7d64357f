using Scalar.AspNetCore;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Audit;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Dashboard;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.DoorAccess;
using SmartCommunity.Gateway.Gb28181;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Operations;
using SmartCommunity.Gateway.Shelters;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Gateway.Video;
using SmartCommunity.Gateway.VideoAnalysis;
using SmartCommunity.Gateway.WaterSafety;

namespace SmartCommunity.Gateway.Extensions;

public static class GatewayEndpointExtensions
{
    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Offline networks (视频专网) have no internet: Scalar's own fonts come from fonts.scalar.com, so they are
        // turned off and the page uses the system's fonts; its script is served by the gateway itself.
        // "Test Request" uses the session cookie: a person signed in to the dashboard is signed in here too (same
        // origin, the browser sends the HttpOnly cookie). Only it is preselected: Scalar sends an empty
        // "Authorization: Bearer" for a selected bearer scheme left blank. The login token works as Bearer too.
        app.MapScalarApiReference("/api/reference", options =>
        {
            options.DefaultFonts = false;
            options.AddPreferredSecuritySchemes([OpenApiSecurity.Cookie]);
        }).AllowAnonymous();
        app.MapOperationsApi();
        app.MapAuthApi();
        app.MapGridApi();
        app.MapPeopleApi();
        app.MapDevicesApi();
        app.MapMosquittoExport();
        app.MapAlertsApi();
        app.MapTimeSeriesApi();
        app.MapWaterSafetyApi();
        app.MapVideoApi();
        app.MapVideoAnalysisApi();
        app.MapSheltersApi();
        app.MapDoorAccessApi();
        app.MapGb28181Api();
        app.MapDashboardApi();
        app.MapAuditApi();
        return app;
    }
}
