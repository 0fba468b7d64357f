using System.Data.Common;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>
/// A camera's password with the real gateway process, real ffmpeg and an RTSP server that refuses a client without
/// it: the camera is recorded (so ffmpeg got the password), yet the password is on no command line
/// (<c>/proc/*/cmdline</c>), in no line the gateway logged (Debug on, so ffmpeg's command lines are logged), and in
/// no file of the data directory in plain text; a password stored in plain text by an older gateway is sealed at start.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CameraPasswordTests
{
    private const string CameraId = "34020000001320000077";
    private const string User = "viewer";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Video__StallTimeout"] = "00:00:06",
        ["Video__RestartBackoffMin"] = "00:00:00.200",
        ["Video__RestartBackoffMax"] = "00:00:02",
        ["Video__MinFreeBytes"] = "0",
        // Debug for the ffmpeg module, which logs every command line it starts at Debug (RecentOutput keeps the last 400 lines).
        ["Logging__LogLevel__SmartCommunity.Media"] = "Debug",
    };

    [Fact]
    public async Task ACameraPasswordReachesFfmpegButNoCommandLineNoLogAndNoFileInPlainText()
    {
        var password = "Cam-" + Guid.NewGuid().ToString("N");
        await using var rtsp = await RtspServerProcess.StartAsync(credentials: (User, password));
        using var work = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(work.Path, 0, Settings);
        using var admin = await gateway.SignInAsAdminAsync();

        await PutCameraAsync(admin, rtsp.Url, password);
        // The server refuses a client without the password: a segment means ffmpeg was given it.
        await Eventually.TrueAsync(async () => await gateway.MetricAsync("sc_video_segments_indexed_total") >= 2, Long, "segments recorded with the password");

        var commandLines = ProcessTable.CommandLines();
        Assert.Contains(commandLines, l => l.Contains("ffmpeg", StringComparison.Ordinal) && l.Contains(gateway.DataDirectory, StringComparison.Ordinal));
        Assert.DoesNotContain(commandLines, l => l.Contains(password, StringComparison.Ordinal));
        AssertNotLogged(gateway, password);
        AssertNotInPlainAtRest(gateway, password);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(gateway.DataDirectory, "secrets.key")));
    }

    [Fact]
    public async Task APasswordStoredInPlainByAnOlderGatewayIsEncryptedAtStartAndStillOpensTheStream()
    {
        var password = "Cam-" + Guid.NewGuid().ToString("N");
        await using var rtsp = await RtspServerProcess.StartAsync(credentials: (User, password));
        using var work = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(work.Path, 0, Settings);
        using (var admin = await gateway.SignInAsAdminAsync())
        {
            await PutCameraAsync(admin, rtsp.Url, password);
        }

        await gateway.KillAsync();
        // As a gateway from before encryption at rest left it.
        await using (var connection = await OpenDatabaseAsync(gateway))
        {
            await ExecuteAsync(connection, "UPDATE video_cameras SET password = @p WHERE id = @id", password);
            Assert.Equal(password, await StoredPasswordAsync(connection));
        }

        await gateway.RestartAsync();
        await Eventually.TrueAsync(async () => await gateway.MetricAsync("sc_video_segments_indexed_total") >= 2, Long, "segments recorded after the restart");

        await using (var connection = await OpenDatabaseAsync(gateway))
        {
            Assert.StartsWith("v1:", await StoredPasswordAsync(connection), StringComparison.Ordinal);
        }

        AssertNotLogged(gateway, password);
        AssertNotInPlainAtRest(gateway, password);
        Assert.Equal(0, await gateway.MetricAsync("sc_video_camera_secret_errors_total"));
    }

    private static async Task PutCameraAsync(HttpClient admin, string url, string password)
    {
        var response = await admin.PutAsJsonAsync("/api/video/cameras/" + CameraId, new
        {
            name = "Camera with a password",
            cellId = "c1",
            mainUrl = url,
            username = User,
            password,
            recording = new { enabled = true, segmentSeconds = 2, retentionDays = 7 },
            analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AssertNotLogged(GatewayProcess gateway, string password)
    {
        var output = gateway.RecentOutput.Split('\n');
        // The check can fail: ffmpeg's command line (with its stdin input list, scrubbed) is among the captured lines.
        Assert.Contains(output, l => l.Contains("Started process", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains(password, StringComparison.Ordinal));
    }

    /// <summary>No file in the data directory (SQLite database, its WAL, journal, spools, footage) holds the password's bytes.</summary>
    private static void AssertNotInPlainAtRest(GatewayProcess gateway, string password)
    {
        var needle = Encoding.UTF8.GetBytes(password);
        var files = Directory.EnumerateFiles(gateway.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal) || PostgresProcess.Selected);
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue; // Removed meanwhile (a segment being rotated).
            }

            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, "the password in plain text in " + file);
        }
    }

    private static async Task<DbConnection> OpenDatabaseAsync(GatewayProcess gateway)
    {
        DbConnection connection = PostgresProcess.Selected
            ? new NpgsqlConnection(gateway.Environment["Database__ConnectionString"])
            : new SqliteConnection($"Data Source={Path.Combine(gateway.DataDirectory, "smartcommunity.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, string password)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "@p", password);
        AddParameter(command, "@id", CameraId);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> StoredPasswordAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password FROM video_cameras WHERE id = @id";
        AddParameter(command, "@id", CameraId);
        return await command.ExecuteScalarAsync() as string;
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
