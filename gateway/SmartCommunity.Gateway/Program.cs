var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/alive", () => "alive");
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
