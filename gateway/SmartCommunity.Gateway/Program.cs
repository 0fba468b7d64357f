using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Audit;
using SmartCommunity.Gateway.Dashboard;
using SmartCommunity.Gateway.DoorAccess;
using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Gb28181;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gateway.Shelters;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Gateway.Video;
using SmartCommunity.Gateway.VideoAnalysis;
using SmartCommunity.Gateway.WaterSafety;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayInfrastructure();
builder.AddRegistry();
builder.AddAuth();
builder.AddAudit();
builder.AddIngest();
builder.AddTimeSeries();
builder.AddAlerts();
builder.AddWaterSafety();
builder.AddVideo();
builder.AddVideoAnalysis();
builder.AddShelters();
builder.AddDoorAccess();
builder.AddGb28181();
builder.AddDashboard();
builder.StartIngest();
builder.Services.AddGatewayOpenApi();
builder.Services.AddApiProblems();

var app = builder.Build();

// Outermost, so it counts every error answer, the exception handler's 500s too (issue 19).
app.UseApiRequestLimits();

// A body that is not valid JSON (or of the wrong shape) is the caller's error: answer 400, not 500.
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
    // A caller's bad body is answered and counted (sc_api_errors_total), not logged as an error with a stack trace:
    // anyone may post bodies to the sign-in call, and each would otherwise write a stack trace into the log (issue 19).
    SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
});
app.UseStatusCodePages();
app.UseApiProblemContentType();
app.UseDashboard();
app.UseAuthentication();
app.UseAuthorization();
app.UseAuditLog();
app.MapGatewayEndpoints();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
