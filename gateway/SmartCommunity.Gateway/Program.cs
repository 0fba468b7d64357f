using SmartCommunity.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayInfrastructure();
builder.AddRegistry();
builder.AddAuth();
builder.AddIngest();
builder.Services.AddOpenApi();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDashboard();
app.UseAuthentication();
app.UseAuthorization();
app.MapGatewayEndpoints();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
