using System.Net.Sockets;
using System.Text;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Dashboard;

/// <summary>
/// Issue 19: the dashboard serves only its own files and the libraries' built folders, whatever spelling of a path a
/// client sends. Raw HTTP over a socket to a real gateway process, so the paths reach Kestrel exactly as written (an
/// HttpClient would normalise backslashes and dot segments before sending).
/// </summary>
public sealed class StaticFileGuardTests(StaticFileGuardTests.WebRootGateway fixture) : IClassFixture<StaticFileGuardTests.WebRootGateway>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/styles.css")]
    [InlineData("/app/main.js")]
    [InlineData("/vendor/hls.js/hls.js")]
    [InlineData("/vendor/uplot/uPlot.iife.min.js")]
    public async Task TheDashboardsOwnFilesAndTheLibrariesBuiltFilesAreServed(string path) =>
        Assert.Equal(200, (await fixture.GetAsync(path, token: null)).Status);

    [Theory]
    [InlineData("//package.json")]
    [InlineData("//package-lock.json")]
    [InlineData("//node_modules/hls.js/package.json")]
    [InlineData("//node_modules/hls.js/dist/hls.js")]
    [InlineData("///package.json")]
    [InlineData("/package.json")]
    [InlineData("/node_modules/hls.js/package.json")]
    [InlineData("/%2e%2e/package.json")]
    [InlineData("/app/%2e%2e/package.json")]
    [InlineData("/app/..%2fpackage.json")]
    [InlineData("/app%2f..%2fpackage.json")]
    [InlineData("/%2fpackage.json")]
    [InlineData("/\\package.json")]
    [InlineData("/app\\..\\package.json")]
    [InlineData("/app/\\..\\..\\package.json")]
    [InlineData("/vendor/hls.js/../package.json")]
    [InlineData("/vendor/hls.js/%2e%2e/package.json")]
    [InlineData("/vendor/hls.js/..%2fpackage.json")]
    [InlineData("/vendor/hls.js//hls.js")]
    [InlineData("/.env")]
    [InlineData("//.env")]
    [InlineData("/app/.hidden.js")]
    [InlineData("/app//main.js")]
    public async Task EveryOtherSpellingOfAPathIsNotFound(string path)
    {
        // Signed in, a path that is no file is 404; anonymous, it is 401 (every route but the app needs a login).
        var (status, body) = await fixture.GetAsync(path, await fixture.AdminTokenAsync());
        var (anonymousStatus, anonymousBody) = await fixture.GetAsync(path, token: null);

        Assert.True(status == 404, $"{path} answered {status} to the admin");
        Assert.True(anonymousStatus == 401, $"{path} answered {anonymousStatus} to a stranger");
        Assert.DoesNotContain("secret", body + anonymousBody, StringComparison.Ordinal);
    }

    /// <summary>One gateway process for the class, serving a made-up web root with files it must not serve.</summary>
    public sealed class WebRootGateway : IAsyncLifetime
    {
        private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-static-");
        private GatewayProcess _gateway = null!;
        private string? _token;

        public async Task InitializeAsync()
        {
            var web = Path.Combine(_work.FullName, "web");
            Write(web, "index.html", "<!doctype html><title>app</title>");
            Write(web, "styles.css", "body{}");
            Write(web, "app/main.js", "export {};");
            Write(web, "package.json", "{\"name\":\"secret-package\"}");
            Write(web, "package-lock.json", "{\"secret\":3}");
            Write(web, ".env", "TOKEN=secret");
            Write(web, "app/.hidden.js", "secret");
            Write(web, "node_modules/hls.js/package.json", "{\"name\":\"secret-hls\"}");
            Write(web, "node_modules/hls.js/dist/hls.js", "var Hls;");
            Write(web, "node_modules/uplot/dist/uPlot.iife.min.js", "var uPlot;");
            _gateway = await GatewayProcess.StartAsync(_work.FullName, 1, new Dictionary<string, string> { ["Dashboard__WebRoot"] = web });
        }

        public async Task DisposeAsync()
        {
            await _gateway.DisposeAsync();
            _work.Delete(recursive: true);
        }

        private static void Write(string root, string path, string text)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        public async Task<string> AdminTokenAsync()
        {
            if (_token is null)
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gateway.HttpPort}") };
                var response = await http.PostAsync("/api/auth/login", new StringContent("{\"username\":\"admin\",\"password\":\"bench-admin-password\"}", Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                _token = body.RootElement.GetProperty("token").GetString();
            }

            return _token!;
        }

        public async Task<(int Status, string Body)> GetAsync(string path, string? token)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", _gateway.HttpPort);
            await using var stream = new NetworkStream(socket);
            var authorization = token is null ? "" : $"Authorization: Bearer {token}\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{authorization}Connection: close\r\n\r\n"));
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var status = response.Split(' ', 3) is [_, var code, ..] && int.TryParse(code, out var parsed) ? parsed : -1;
            return (status, response);
        }
    }
}
