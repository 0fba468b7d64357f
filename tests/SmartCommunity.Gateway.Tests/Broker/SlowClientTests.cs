using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// Issue 19, slow and half-open clients on the embedded broker's real sockets, plain and TLS: a CONNECT sent one byte
/// at a time (slowloris), a TLS handshake that stalls before or inside the ClientHello, a handshake that completes
/// and then no CONNECT, and garbage instead of a handshake. Each is closed by the listener and counted in
/// <c>sc_broker_connections_cut_total</c>; stalled handshakes from one address are capped; a device still connects
/// over TLS. Every wait is on a signal (the socket closing, a counter); the only clock is the gateway's connect timeout.
/// </summary>
public sealed class SlowClientTests(SlowClientTests.Gateway fixture) : IClassFixture<SlowClientTests.Gateway>
{
    // A safety net for a test that would otherwise hang if the gateway never closed the socket; not an assertion of time.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AConnectSentOneByteAtATimeIsCutAtTheConnectTimeoutAndCounted()
    {
        var cutBefore = fixture.Cut("connect_timeout");
        var connect = ConnectPacket(clientId: new string('s', 300));
        using var socket = await ConnectAsync(IPAddress.Parse("127.0.9.1"), fixture.Factory.MqttPort);

        // A slowloris: one byte, a pause, the next byte, for as long as the gateway keeps listening.
        var sent = 0;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (sent < connect.Length && !ClosedByPeer(socket) && await pace.WaitForNextTickAsync())
            {
                sent += await socket.SendAsync(connect.AsMemory(sent, 1));
            }
        }
        catch (SocketException)
        {
            // Reset: the gateway closed it while we were still sending.
        }

        Assert.Equal(0, await ReadUntilClosedAsync(socket));
        Assert.True(sent < connect.Length, $"all {connect.Length} bytes of the CONNECT went through before the cut; make it longer");
        await Eventually.TrueAsync(() => fixture.Cut("connect_timeout") > cutBefore, because: "the cut is counted as connect_timeout");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task AStalledTlsHandshakeIsCutAtTheConnectTimeoutAndCounted(int clientHelloBytes)
    {
        var cutBefore = fixture.Cut("tls_handshake_timeout");
        using var socket = await ConnectAsync(IPAddress.Parse("127.0.9.2"), fixture.TlsPort);
        if (clientHelloBytes > 0)
        {
            // The start of a TLS record header (handshake, TLS 1.0 record version) and then nothing.
            await socket.SendAsync(new byte[] { 0x16, 0x03, 0x01 }.AsMemory(0, clientHelloBytes));
        }

        Assert.Equal(0, await ReadUntilClosedAsync(socket));
        await Eventually.TrueAsync(() => fixture.Cut("tls_handshake_timeout") > cutBefore, because: "the cut is counted as tls_handshake_timeout");
    }

    [Fact]
    public async Task GarbageInsteadOfATlsHandshakeIsRefusedAndCounted()
    {
        var failedBefore = fixture.Cut("tls_handshake_failed");
        using var socket = await ConnectAsync(IPAddress.Parse("127.0.9.3"), fixture.TlsPort);

        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: gateway\r\n\r\n"));

        Assert.Equal(0, await ReadUntilClosedAsync(socket));
        await Eventually.TrueAsync(() => fixture.Cut("tls_handshake_failed") > failedBefore, because: "the refusal is counted as tls_handshake_failed");
    }

    [Fact]
    public async Task ATlsClientThatNeverSendsConnectIsCutAfterTheHandshakeAndCounted()
    {
        var cutBefore = fixture.Cut("connect_timeout");
        using var socket = await ConnectAsync(IPAddress.Parse("127.0.9.4"), fixture.TlsPort);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (_, certificate, _, _) => certificate?.GetCertHashString() == fixture.Thumbprint);
        await tls.AuthenticateAsClientAsync("localhost");

        // Handshake done, no CONNECT: the read ends when the gateway closes the connection.
        int read;
        try
        {
            read = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(Hang);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
        await Eventually.TrueAsync(() => fixture.Cut("connect_timeout") > cutBefore, because: "the cut is counted as connect_timeout");
    }

    [Fact]
    public async Task StalledTlsHandshakesFromOneAddressAreCappedAndADeviceStillConnectsOverTls()
    {
        var cappedBefore = fixture.Cut("too_many_unauthenticated");
        var from = IPAddress.Parse("127.0.9.5");
        var stalled = new List<Socket>();
        try
        {
            for (var i = 0; i < Gateway.UnauthenticatedPerSource; i++)
            {
                stalled.Add(await ConnectAsync(from, fixture.TlsPort));
            }

            // Over the cap: closed at once, before any handshake.
            using (var extra = await ConnectAsync(from, fixture.TlsPort))
            {
                Assert.Equal(0, await ReadUntilClosedAsync(extra));
            }

            await Eventually.TrueAsync(() => fixture.Cut("too_many_unauthenticated") > cappedBefore, because: "the extra connection is counted as too_many_unauthenticated");

            // Meanwhile a device from another address connects over TLS and is accepted.
            using var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", fixture.TlsPort)
                .WithClientId(TestCommunity.DoorUnit).WithCredentials(TestCommunity.DoorUnit, TestCommunity.SecretOf(TestCommunity.DoorUnit))
                .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => e.Certificate?.GetCertHashString() == fixture.Thumbprint)).WithTimeout(TimeSpan.FromSeconds(30)).Build();
            var result = await client.ConnectAsync(options);
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        }
        finally
        {
            stalled.ForEach(s => s.Dispose());
        }
    }

    private static async Task<Socket> ConnectAsync(IPAddress from, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>Reads until the peer closes; returns the bytes received (an MQTT CONNACK or TLS alert would be more than 0).</summary>
    private static async Task<int> ReadUntilClosedAsync(Socket socket)
    {
        var total = 0;
        var buffer = new byte[256];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer).WaitAsync(Hang)) > 0)
            {
                // A TLS alert before the close is allowed; MQTT bytes are not (checked by the callers' counters).
                total += buffer[0] == 0x15 ? 0 : n;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return total;
    }

    private static bool ClosedByPeer(Socket socket) => socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;

    /// <summary>An MQTT 3.1.1 CONNECT (3.1.1 §3.1) with a client ID and nothing else.</summary>
    private static byte[] ConnectPacket(string clientId)
    {
        var id = Encoding.UTF8.GetBytes(clientId);
        byte[] variable = [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, (byte)(id.Length >> 8), (byte)id.Length, .. id];
        var remaining = variable.Length;
        return [0x10, (byte)((remaining % 128) | 0x80), (byte)(remaining / 128), .. variable];
    }

    /// <summary>One in-process gateway with a TLS listener (a self-signed certificate), a short connect timeout and a small cap.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        public const int UnauthenticatedPerSource = 5;
        private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("sc-tls-");

        public GatewayFactory Factory { get; private set; } = null!;

        public int TlsPort { get; } = FreePort.Next();

        /// <summary>The self-signed certificate's hash: the clients here trust exactly it.</summary>
        public string Thumbprint { get; private set; } = "";

        public long Cut(string reason) =>
            Factory.Get<MetricsRegistry>().Counter("sc_broker_connections_cut_total", "", ("reason", reason)).Value;

        public Task InitializeAsync()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            Thumbprint = certificate.GetCertHashString();
            var path = Path.Combine(_certificates.FullName, "broker.pfx");
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "test-pfx-password"));
            Factory = new GatewayFactory(settings: new Dictionary<string, string?>
            {
                ["Broker:CertificatePath"] = path,
                ["Broker:CertificatePassword"] = "test-pfx-password",
                ["Broker:TlsPort"] = TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Broker:ConnectTimeout"] = "00:00:02",
                ["Broker:MaxUnauthenticatedConnectionsPerSource"] = UnauthenticatedPerSource.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }).Start();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            await Factory.DisposeAsync();
            _certificates.Delete(recursive: true);
        }
    }
}
