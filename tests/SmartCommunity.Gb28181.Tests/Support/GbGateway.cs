using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Support;

/// <summary>
/// The real gateway process with its GB/T 28181 server on a free port, keepalive every 2 s (offline after 3 missed),
/// at most 30 REGISTERs a minute per address, 2 channels per device recorded by default, messages up to 16 KiB, and seeded devices: an NVR and an IPC with known passwords. Shared by the tests of one class.
/// </summary>
public class GbGateway : IAsyncLifetime
{
    public const string ServerId = "34020000002000000001";
    public const string Realm = "3402000000";
    public const string Nvr = "34020000001180000001";
    public const string NvrPassword = "nvr-password-0001-abcd";
    public const string Ipc = "34020000001320000009";
    public const string IpcPassword = "ipc-password-0009-abcd";

    /// <summary>NVRs for the live tests: one sends RTP over UDP, the other is asked for TCP (attribute gb28181.mediaTransport).</summary>
    public const string LiveNvr = "34020000001180000002";
    public const string LiveNvrTcp = "34020000001180000003";
    public const string LivePassword = "live-password-0002-abcd";

    /// <summary>NVR for the alarm tests (same password as the live NVRs).</summary>
    public const string AlarmNvr = "34020000001180000004";

    /// <summary>NVR for the PTZ tests (same password as the live NVRs).</summary>
    public const string PtzNvr = "34020000001180000005";

    /// <summary>NVR for the RecordInfo and playback tests (same password as the live NVRs).</summary>
    public const string RecordsNvr = "34020000001180000006";

    /// <summary>NVR that the gateway subscribes to for Catalog and Alarm (attribute gb28181.subscribe; same password as the live NVRs).</summary>
    public const string SubscribeNvr = "34020000001180000007";

    /// <summary>NVRs for the playback end, control and TCP tests (same password as the live NVRs): UDP, TCP passive, TCP active.</summary>
    public const string PlaybackNvr = "34020000001180000008";
    public const string PlaybackNvrTcp = "34020000001180000009";
    public const string PlaybackNvrTcpActive = "34020000001180000010";

    /// <summary>NVR for the live test over active TCP (attribute gb28181.mediaTransport TCP-ACTIVE: the gateway connects).</summary>
    public const string LiveNvrTcpActive = "34020000001180000011";

    /// <summary>NVR whose subscriptions are granted only 4 s, so the gateway refreshes them (same password as the live NVRs).</summary>
    public const string RefreshNvr = "34020000001180000012";

    public const int MaxRegistersPerMinute = 30;

    /// <summary>Channels of one device recorded and analysed by default (the catalog test's NVR has more).</summary>
    public const int RecordFirstChannels = 2;
    public const int MaxMessageBytes = 16_384;

    private readonly IReadOnlyDictionary<string, string> _extra;
    private GatewayProcess? _gateway;

    public GbGateway()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="extra">Settings added to the GB/T 28181 ones (a subclass's, e.g. the superior platform to cascade to).</param>
    protected GbGateway(IReadOnlyDictionary<string, string> extra) => _extra = extra;

    public GatewayProcess Process => _gateway!;

    public int SipPort { get; } = FreePort.Next();

    /// <summary>First of 41 media ports (a bound one is skipped).</summary>
    public int MediaPortMin { get; } = FreePort.Next();

    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var work = Directory.CreateTempSubdirectory("sc-gb28181-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Gb28181__Enabled"] = "true",
            ["Gb28181__Port"] = SipPort.ToString(CultureInfo.InvariantCulture),
            ["Gb28181__BindAddress"] = "127.0.0.1",
            ["Gb28181__ServerId"] = ServerId,
            ["Gb28181__KeepaliveInterval"] = "00:00:02",
            ["Gb28181__MaxRegistersPerSourcePerMinute"] = MaxRegistersPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Gb28181__MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
            ["Gb28181__StreamLinger"] = "00:00:02",
            // A loaded CI machine may take longer than the default 15 s for SIPp's several answers; no test waits for the timeout itself.
            ["Gb28181__RecordQueryTimeout"] = "00:01:30",
            ["Gb28181__RecordFirstChannels"] = RecordFirstChannels.ToString(CultureInfo.InvariantCulture),
            ["Video__DownAlertAfter"] = "00:00:03",
            ["Alerts__DeviceHealth__OfflineGrace"] = "00:00:01",
            ["Gb28181__MediaPortMin"] = MediaPortMin.ToString(CultureInfo.InvariantCulture),
            ["Gb28181__MediaPortMax"] = (MediaPortMin + 40).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in _extra)
        {
            settings[key] = value;
        }

        _gateway = await GatewayProcess.StartAsync(work, 0, settings, [
            new { id = SubscribeNvr, kind = "camera", name = "订阅 NVR", cellId = "c1", secret = LivePassword, attributes = new Dictionary<string, string> { ["gb28181.subscribe"] = "Catalog,Alarm" } },
            new { id = RefreshNvr, kind = "camera", name = "续订 NVR", cellId = "c1", secret = LivePassword, attributes = new Dictionary<string, string> { ["gb28181.subscribe"] = "Catalog,Alarm" } },
            new { id = PlaybackNvr, kind = "camera", name = "回放 NVR", cellId = "c1", secret = LivePassword },
            new { id = PlaybackNvrTcp, kind = "camera", name = "回放 NVR TCP", cellId = "c1", secret = LivePassword, attributes = new Dictionary<string, string> { ["gb28181.mediaTransport"] = "TCP" } },
            new { id = PlaybackNvrTcpActive, kind = "camera", name = "回放 NVR TCP 主动", cellId = "c1", secret = LivePassword, attributes = new Dictionary<string, string> { ["gb28181.mediaTransport"] = "TCP-ACTIVE" } },
            new { id = RecordsNvr, kind = "camera", name = "录像 NVR", cellId = "c1", secret = LivePassword },
            new { id = PtzNvr, kind = "camera", name = "云台 NVR", cellId = "c1", secret = LivePassword },
            new { id = AlarmNvr, kind = "camera", name = "堤坝 NVR", cellId = "c1", secret = LivePassword },
            new { id = LiveNvr, kind = "camera", name = "闸口 NVR", cellId = "c1", secret = LivePassword },
            new { id = LiveNvrTcp, kind = "camera", name = "闸口 NVR TCP", cellId = "c1", secret = LivePassword, attributes = new Dictionary<string, string> { ["gb28181.mediaTransport"] = "TCP" } },
            new { id = LiveNvrTcpActive, kind = "camera", name = "闸口 NVR TCP 主动", cellId = "c1", secret = LivePassword, attributes = new Dictionary<string, string> { ["gb28181.mediaTransport"] = "TCP-ACTIVE" } },
            new { id = Nvr, kind = "camera", name = "河滩 NVR", cellId = "c1", secret = NvrPassword },
            new { id = Ipc, kind = "camera", name = "河滩 IPC", cellId = "c1", secret = IpcPassword },
        ]);
        Api = new HttpClient { BaseAddress = _gateway.Http.BaseAddress };
        var login = await Api.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "bench-admin-password" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static Dictionary<string, string> Values(string device, string password) => new()
    {
        ["device"] = device, ["password"] = password, ["server"] = ServerId, ["realm"] = Realm,
        ["sdpPort"] = "15060", // the port a device's SDP answer names (the active-TCP test sets its listener's)
    };

    /// <summary>The device as the API shows it, or null when it is not registered.</summary>
    public async Task<JsonElement?> DeviceAsync(string id)
    {
        var response = await Api.GetAsync("/api/devices/" + id);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Creates a person with a role (through the admin API) and returns a client signed in as them.</summary>
    public async Task<HttpClient> PersonAsync(string id, string role, string duty)
    {
        const string password = "person-password-0001";
        var created = await Api.PutAsJsonAsync("/api/people/" + id, new { name = id, role, duty, cells = new[] { "c1" }, password });
        created.EnsureSuccessStatusCode();
        var client = new HttpClient { BaseAddress = Api.BaseAddress };
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = id, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<bool> OnlineAsync(string id) => await DeviceAsync(id) is { } d && d.GetProperty("online").GetBoolean();

    public Task<double> RefusedAsync(string reason) => Process.MetricAsync("sc_gb28181_refused_total", $"reason=\"{reason}\"");

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
