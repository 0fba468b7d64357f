using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Protocol.Tests;

public class Gb28181IdTests
{
    [Fact]
    public void ACommunityIpCameraCodeDecodesIntoItsParts()
    {
        var id = Gb28181Id.Parse("43010200011320000007");

        Assert.Equal("43010200", id.Region);
        Assert.Equal("43", id.ProvinceCode);
        Assert.Equal("01", id.CityCode);
        Assert.Equal("02", id.CountyCode);
        Assert.Equal("01", id.IndustryCode);
        Assert.Equal("social-security-community", id.Industry);
        Assert.Equal(132, id.TypeCode);
        Assert.Equal("ipc", id.Type);
        Assert.True(id.IsCamera);
        Assert.Equal(0, id.NetworkCode);
        Assert.Equal("police-video-network", id.Network);
        Assert.Equal("000007", id.Serial);
    }

    [Theory]
    [InlineData("34020000001340000001", 134, "alarm-input", "internet", 7)]
    [InlineData("34020000001370000001", 137, "voice-output", "internet", 7)]
    [InlineData("34020000002000000001", 200, "central-signalling-server", "police-video-network", 0)]
    [InlineData("34020000002160000001", 216, "virtual-organisation", "police-video-network", 0)]
    [InlineData("11010000041185000001", 118, "nvr", "police-information-network", 5)]
    public void TypeAndNetworkCodesAreNamed(string code, int type, string typeName, string network, int networkCode)
    {
        var fixedCode = code[..13] + networkCode + code[14..];
        var id = Gb28181Id.Parse(fixedCode);
        Assert.Equal(type, id.TypeCode);
        Assert.Equal(typeName, id.Type);
        Assert.Equal(network, id.Network);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("4301020001132000000", "20 digits")]
    [InlineData("430102000113200000012", "20 digits")]
    [InlineData("4301020001132000000A", "only digits")]
    [InlineData("00010200011320000001", "province")]
    [InlineData("99010200011320000001", "province")]
    [InlineData("43010200011000000001", "type code")]
    [InlineData("19010200011320000001", "province")]
    [InlineData("20010200011320000001", "province")]
    [InlineData("16010200011320000001", "province")]
    [InlineData("72010200011320000001", "province")]
    [InlineData("43010200011329000001", "network digit 9")]
    public void InvalidCodesAreRefusedWithAReason(string? code, string expected)
    {
        Assert.False(Gb28181Id.TryParse(code, out var id, out var error));
        Assert.Null(id);
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void LooksLikeRecognisesOnlyTwentyDigitStrings()
    {
        Assert.True(Gb28181Id.LooksLikeGb28181("43010200011320000007"));
        Assert.False(Gb28181Id.LooksLikeGb28181("wl-hetan-beach"));
        Assert.False(Gb28181Id.LooksLikeGb28181("4301020001132000000"));
    }

    [Theory]
    [InlineData("11")]
    [InlineData("15")]
    [InlineData("23")]
    [InlineData("37")]
    [InlineData("46")]
    [InlineData("54")]
    [InlineData("65")]
    [InlineData("71")]
    [InlineData("81")]
    [InlineData("82")]
    public void EveryGbT2260ProvinceIsAccepted(string province) =>
        Assert.True(Gb28181Id.TryParse(province + "010200011320000001", out _, out var error), error);

    [Theory]
    [InlineData("4301020001132000000", true)]
    [InlineData("430102000113200000012", true)]
    [InlineData("4301020001132000000A", true)]
    [InlineData("43010200011320000007", true)]
    [InlineData("wl-hetan-beach", false)]
    [InlineData("camera-0001-0002-0003", false)]
    [InlineData("sensor_12345678901234567", false)]
    public void NearMissesOfTwentyDigitsAreRecognisedAsMeantForGb28181(string value, bool meant) =>
        Assert.Equal(meant, Gb28181Id.IsMeantAsGb28181(value));

    [Theory]
    [InlineData("34020000001310000001", true)]
    [InlineData("34020000001320000001", true)]
    [InlineData("34020000001180000001", true)]
    [InlineData("34020000001370000001", false)]
    [InlineData("34020000001340000001", false)]
    [InlineData("34020000002000000001", false)]
    public void OnlyVideoTypesCarryVideo(string code, bool video) =>
        Assert.Equal(video, Gb28181Id.Parse(code).CarriesVideo);
}
