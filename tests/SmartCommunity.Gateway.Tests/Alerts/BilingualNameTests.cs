using SmartCommunity.Gateway.Alerts;

namespace SmartCommunity.Gateway.Tests.Alerts;

public sealed class BilingualNameTests
{
    [Theory]
    [InlineData("清溪小学 Qingxi Primary School (shelter)", "清溪小学", "Qingxi Primary School (shelter)")]
    [InlineData("滨河1栋门禁 Binhe Bldg 1 door unit", "滨河1栋门禁", "Binhe Bldg 1 door unit")]
    [InlineData("河滩浴场（南） Hetan Beach (south)", "河滩浴场（南）", "Hetan Beach (south)")]
    public void ABilingualNameGivesEachLanguageItsOwnPart(string name, string zh, string en)
    {
        Assert.Equal(zh, BilingualName.Zh(name));
        Assert.Equal(en, BilingualName.En(name));
    }

    [Theory]
    [InlineData("河滩浴场")]
    [InlineData("Community hall")]
    [InlineData("B2 door 3")]
    [InlineData("43010200011370000001")]
    public void ANameInOneLanguageIsUsedWholeInBoth(string name)
    {
        Assert.Equal(name, BilingualName.Zh(name));
        Assert.Equal(name, BilingualName.En(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NoNameGivesAnEmptyText(string? name)
    {
        Assert.Equal("", BilingualName.Zh(name));
        Assert.Equal("", BilingualName.En(name));
    }
}
