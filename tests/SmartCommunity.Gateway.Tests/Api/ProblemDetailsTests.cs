using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>Every 4xx carries a reason in one shape: RFC 9457 problem details with a stable code.</summary>
public sealed class ProblemDetailsTests
{

    [Fact]
    public async Task APersonWithADutyOfTheWrongTypeIsRefusedWithTheFieldThatWasWrong()
    {
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin", TestCommunity.AdminPassword);
        using var body = new StringContent("""{"name":"王强","role":"guard","duty":{},"cells":["b-a"],"enabled":true,"password":"long-enough-password-1"}""", Encoding.UTF8, "application/json");

        using var response = await admin.PutAsync("/api/people/guard-new", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_body");
        Assert.Contains("$.duty", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadBodiesFromAnyoneAreAnsweredWithoutFillingTheLogWithStackTraces()
    {
        var logs = new List<string>();
        await using var gateway = new GatewayFactory(services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(logs))).Start();
        using var anonymous = gateway.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            using var body = new StringContent("{\"username\":" + i + ",\"password\":[]}", Encoding.UTF8, "application/json");
            using var response = await anonymous.PostAsync("/api/auth/login", body);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_body");
        }

        lock (logs)
        {
            Assert.DoesNotContain(logs, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("BadHttpRequestException", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ARuleTheHandlerChecksAnswersWithItsOwnCodeAndTheSameShape()
    {
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin", TestCommunity.AdminPassword);

        using var response = await admin.PutAsJsonAsync("/api/people/guard-new", new { name = "王强", role = "guard", duty = "Guard", cells = new[] { "b-a" }, enabled = true, password = "short" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "password_length");
        Assert.Equal("urn:smartcommunity:problem:password_length", problem.GetProperty("type").GetString());
        Assert.Equal("Bad Request", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ABareNotFoundAndAnUnsignedRequestAlsoSayWhy()
    {
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin", TestCommunity.AdminPassword);
        await AssertProblemAsync(await admin.GetAsync("/api/people/nobody-here"), HttpStatusCode.NotFound, "not_found");

        using var anonymous = gateway.CreateClient();
        await AssertProblemAsync(await anonymous.GetAsync("/api/people"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), text);
        return problem;
    }
}
