using System.Diagnostics.CodeAnalysis;

namespace SmartCommunity.Protocol.Identity;

/// <summary>
/// A GB/T 28181 device or platform code: 20 digits laid out as
/// 8 administrative-division (GB/T 2260) + 2 industry + 3 type + 1 network + 6 serial
/// (GB/T 28181-2016 Appendix D, "编码规则 A").
/// </summary>
public sealed record Gb28181Id
{
    public const int Length = 20;

    private Gb28181Id(string value) => Value = value;

    /// <summary>The 20-digit code as given.</summary>
    public string Value { get; }

    /// <summary>Administrative division, digits 1–8: province (2), city (2), county (2), grass-roots unit (2).</summary>
    public string Region => Value[..8];

    public string ProvinceCode => Value[..2];

    public string CityCode => Value[2..4];

    public string CountyCode => Value[4..6];

    /// <summary>Industry code, digits 9–10 (00 road security, 01 community security, …).</summary>
    public string IndustryCode => Value[8..10];

    /// <summary>Type code, digits 11–13 (131 camera, 132 IPC, 134 alarm input, …).</summary>
    public int TypeCode => int.Parse(Value.AsSpan(10, 3), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Network identifier, digit 14 (0/1 police video network, 5 police information network, 6 e-government, 7 internet).</summary>
    public int NetworkCode => Value[13] - '0';

    /// <summary>Serial number, digits 15–20.</summary>
    public string Serial => Value[14..];

    public string Industry => IndustryCode switch
    {
        "00" => "social-security-road",
        "01" => "social-security-community",
        "02" => "social-security-enterprise",
        "03" => "social-security-public-place",
        "04" => "traffic",
        "05" => "public-security-internal",
        "06" => "public-security-checkpoint",
        "07" => "public-security-bayonet",
        "08" => "public-security-other",
        _ => "other",
    };

    /// <summary>Device category for the type code, per GB/T 28181-2016 Table D.1 (111–199 devices, 200–299 platforms, 400+ extensions).</summary>
    public string Type => TypeCode switch
    {
        111 => "dvr",
        112 => "video-server",
        113 => "encoder",
        114 => "decoder",
        115 => "video-switch-matrix",
        116 => "audio-switch-matrix",
        117 => "alarm-controller",
        118 => "nvr",
        119 or 120 => "hvr",
        131 => "camera",
        132 => "ipc",
        133 => "display",
        134 => "alarm-input",
        135 => "alarm-output",
        136 => "voice-input",
        137 => "voice-output",
        138 => "mobile-transmitter",
        139 => "other-peripheral",
        200 => "central-signalling-server",
        201 => "web-server",
        202 => "media-distributor",
        203 => "proxy-server",
        204 => "security-server",
        205 => "alarm-server",
        206 => "database-server",
        207 => "gis-server",
        208 => "management-server",
        209 => "gateway",
        210 => "media-storage-server",
        211 => "signalling-security-gateway",
        212 => "business-group-gateway",
        215 => "business-group",
        216 => "virtual-organisation",
        >= 111 and <= 130 => "front-end-main-device",
        >= 131 and <= 199 => "front-end-peripheral",
        >= 200 and <= 299 => "platform-device",
        >= 300 and <= 399 => "central-user",
        >= 400 and <= 499 => "terminal-user",
        _ => "extension",
    };

    public string Network => NetworkCode switch
    {
        0 or 1 => "police-video-network",
        2 or 3 or 4 => "industry-private-network",
        5 => "police-information-network",
        6 => "e-government-network",
        7 => "internet",
        8 => "society-resource-network",
        _ => "reserved",
    };

    /// <summary>True when the code names a camera-like device (type 131 camera or 132 IPC).</summary>
    public bool IsCamera => TypeCode is 131 or 132;

    /// <summary>
    /// True when the code names a device that produces video: a camera or IPC, or a front-end main device that records or
    /// encodes cameras (111 DVR, 112 video server, 113 encoder, 118 NVR, 119/120 HVR), per GB/T 28181-2016 Table D.1.
    /// Alarm, voice and display peripherals (133–139) and platforms are not.
    /// </summary>
    public bool CarriesVideo => TypeCode is 111 or 112 or 113 or 118 or 119 or 120 or 131 or 132;

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Gb28181Id? id, out string? error)
    {
        id = null;
        error = Validate(value);
        if (error is not null)
        {
            return false;
        }

        id = new Gb28181Id(value!);
        return true;
    }

    public static Gb28181Id Parse(string value) =>
        TryParse(value, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Whether a string has the shape of a GB/T 28181 code, so callers can decide to decode it.</summary>
    public static bool LooksLikeGb28181(string? value) =>
        value is { Length: Length } && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>
    /// Whether a string is meant as a GB/T 28181 code even if it is not a valid one: 18–22 letters and digits of which at
    /// most two are not digits (a code with a digit too few or too many, or a mistyped letter). Registration refuses such an
    /// ID unless it is a valid code, so "4301020001132000000" (19 digits) is not taken as a plain device name.
    /// </summary>
    public static bool IsMeantAsGb28181(string? value)
    {
        if (value is null || value.Length is < Length - 2 or > Length + 2 || value.AsSpan().IndexOfAnyExcept(AsciiLettersAndDigits) >= 0)
        {
            return false;
        }

        var letters = 0;
        foreach (var c in value)
        {
            letters += char.IsAsciiDigit(c) ? 0 : 1;
        }

        return letters <= 2;
    }

    /// <summary>
    /// Province-level codes of GB/T 2260-2007 (the first two digits of an administrative-division code): 11–15 north,
    /// 21–23 north-east, 31–37 east, 41–46 central-south, 50–54 south-west, 61–65 north-west, 71 Taiwan, 81 Hong Kong,
    /// 82 Macao. Codes in between (16–20, 24–30, …) are not assigned.
    /// </summary>
    public static bool IsProvince(int code) => code is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37)
        or (>= 41 and <= 46) or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82;

    private static readonly System.Buffers.SearchValues<char> AsciiLettersAndDigits =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "GB/T 28181 ID is empty.";
        }

        if (value.Length != Length)
        {
            return $"GB/T 28181 ID must have {Length} digits, got {value.Length} characters.";
        }

        if (value.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return "GB/T 28181 ID must contain only digits.";
        }

        var province = (value[0] - '0') * 10 + (value[1] - '0');
        if (!IsProvince(province))
        {
            return $"GB/T 28181 ID region starts with province code {province:00}, which is not a GB/T 2260 province (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82).";
        }

        var type = int.Parse(value.AsSpan(10, 3), System.Globalization.CultureInfo.InvariantCulture);
        if (type < 111)
        {
            return $"GB/T 28181 ID type code {type:000} is below the first defined type (111).";
        }

        // GB/T 28181-2016 Appendix D: network digits 0–8 are assigned, 9 is reserved.
        if (value[13] == '9')
        {
            return "GB/T 28181 ID network digit 9 is reserved (0–4 video/alarm private network, 5 police information network, 6 e-government, 7 internet, 8 social resources).";
        }

        return null;
    }

    public override string ToString() => Value;
}
