using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries;

/// <summary>Which InfluxDB HTTP write API to speak.</summary>
public enum InfluxApiVersion
{
    /// <summary>InfluxDB 1.x: <c>POST /write?db=&amp;rp=&amp;precision=</c>, user/password auth.</summary>
    V1,

    /// <summary>InfluxDB 2.x and 3.x: <c>POST /api/v2/write?org=&amp;bucket=&amp;precision=</c>, <c>Authorization: Token …</c>.</summary>
    V2,
}

/// <summary>How InfluxDB 1.x credentials travel.</summary>
public enum V1CredentialMode
{
    /// <summary><c>Authorization: Basic …</c> header: keeps the password out of URLs and proxy logs.</summary>
    BasicAuth,

    /// <summary><c>u=</c> and <c>p=</c> query parameters, for old proxies that strip the header.</summary>
    QueryString,
}

/// <summary>
/// Settings for <see cref="Writing.InfluxWriter"/> and <c>Querying.InfluxQueryClient</c>. Bind from the
/// <c>TimeSeries:Influx</c> section and call <see cref="Validate"/> on start. Every default is stated on its property.
/// </summary>
public sealed class InfluxOptions
{
    /// <summary>Base address, e.g. <c>http://127.0.0.1:8086/</c>. Required; a path prefix (reverse proxy) is kept.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>Default <see cref="InfluxApiVersion.V1"/>.</summary>
    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V1;

    /// <summary>1.x database (<c>db</c>); also the database of InfluxQL queries. Default null; required for V1.</summary>
    public string? Database { get; set; }

    /// <summary>1.x retention policy (<c>rp</c>). Default null: the database's default policy.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>1.x user. Default null: no authentication.</summary>
    public string? Username { get; set; }

    /// <summary>1.x password. Default null. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Default <see cref="V1CredentialMode.BasicAuth"/>.</summary>
    public V1CredentialMode V1Credentials { get; set; } = V1CredentialMode.BasicAuth;

    /// <summary>2.x/3.x organisation (<c>org</c>). Default null; required for V2 (3.x ignores it).</summary>
    public string? Organization { get; set; }

    /// <summary>2.x/3.x bucket (<c>bucket</c>; 3.x: database). Default null; required for V2.</summary>
    public string? Bucket { get; set; }

    /// <summary>2.x/3.x API token, sent as <c>Authorization: Token …</c>. Default null. Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Timestamp precision sent with every write. Default <see cref="WritePrecision.Milliseconds"/>.</summary>
    public WritePrecision Precision { get; set; } = WritePrecision.Milliseconds;

    /// <summary>Lines per write request; a batch is sent when it holds this many. Default 5 000.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>Longest a point waits in a partly filled batch. Default 1 second.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Points held in memory before <c>TryWrite</c> refuses (and counts) new ones. Default 100 000.</summary>
    public int BufferLimit { get; set; } = 100_000;

    /// <summary>Compress request bodies (<c>Content-Encoding: gzip</c>). Default false: on loopback it costs more than it saves.</summary>
    public bool UseGzip { get; set; }

    /// <summary>Timeout of one write or query request. Default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay after a failure; doubles per failure, with jitter. Default 1 second.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on the retry delay. Default 30 seconds. Configuration errors (401/403/404) always wait this long.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Folder of the on-disk spool. Required: batches that cannot be sent wait here, across restarts.</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>Size limit of the spool. Default 256 MiB. Telemetry is evicted oldest first to stay under it; durable data never is.</summary>
    public long SpoolLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Flush spool files holding durable points to the disk (fsync) before sending them. Default true.</summary>
    public bool FsyncDurableBatches { get; set; } = true;

    /// <summary>Throws with every problem listed, so a bad configuration stops the gateway at start.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (ServerUrl is null || !ServerUrl.IsAbsoluteUri || (ServerUrl.Scheme != Uri.UriSchemeHttp && ServerUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("ServerUrl must be an absolute http(s) address.");
        }

        if (ApiVersion == InfluxApiVersion.V1 && string.IsNullOrWhiteSpace(Database))
        {
            errors.Add("Database is required for the InfluxDB 1.x API.");
        }

        if (ApiVersion == InfluxApiVersion.V2 && string.IsNullOrWhiteSpace(Bucket))
        {
            errors.Add("Bucket is required for the InfluxDB 2.x/3.x API.");
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            errors.Add("Username and Password go together.");
        }

        if (BatchSize < 1)
        {
            errors.Add("BatchSize must be at least 1.");
        }

        if (BufferLimit < BatchSize)
        {
            errors.Add("BufferLimit must be at least BatchSize.");
        }

        if (FlushInterval <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || RetryInitialDelay <= TimeSpan.Zero || RetryMaxDelay < RetryInitialDelay)
        {
            errors.Add("FlushInterval, RequestTimeout and RetryInitialDelay must be positive, and RetryMaxDelay at least RetryInitialDelay.");
        }

        if (string.IsNullOrWhiteSpace(SpoolDirectory))
        {
            errors.Add("SpoolDirectory is required.");
        }

        if (SpoolLimitBytes < 1024 * 1024)
        {
            errors.Add("SpoolLimitBytes must be at least 1 MiB.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid InfluxDB options: " + string.Join(" ", errors));
        }
    }
}
