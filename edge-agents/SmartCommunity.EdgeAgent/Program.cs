// SmartCommunity edge agent: hosts several devices, each with its own MQTT connection to the gateway's broker.
// Configuration: appsettings.json, then the file given with --config PATH, then environment variables.
using Microsoft.Extensions.Hosting;
using SmartCommunity.EdgeAgent.Demo;
using SmartCommunity.EdgeAgent.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddAgentConfigFile(args);
builder.AddDemoScenario();
builder.AddEdgeAgent();

using var host = builder.Build();
return await host.RunAgentAsync();
