using SmartCommunity.TimeSeries.Storage;

namespace SmartCommunity.TimeSeries.Tests.Storage;

public class TagSetKeysTests
{
    private static List<KeyValuePair<string, string>> Tags(params string[] keyValues) =>
        [.. keyValues.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1]))];

    [Fact]
    public void TheSameTagsInAnotherListGiveTheSameKeyWithoutSerialisingAgain()
    {
        var keys = new TagSetKeys();
        var first = keys.KeyOf(Tags("cell", "c1", "device", "d1"));
        var second = keys.KeyOf(Tags("cell", "c1", "device", "d1"));

        Assert.Equal("""[["cell","c1"],["device","d1"]]""", first);
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("cell", "c1", "device", "d2")]
    [InlineData("cell", "c2", "device", "d1")]
    [InlineData("cell", "c1", "devicE", "d1")]
    [InlineData("cell,", "c1", "device", "d1")]
    public void AnyDifferenceInKeysOrValuesGivesADifferentKey(string k1, string v1, string k2, string v2)
    {
        var keys = new TagSetKeys();
        var original = keys.KeyOf(Tags("cell", "c1", "device", "d1"));
        var other = keys.KeyOf(Tags(k1, v1, k2, v2));

        Assert.NotEqual(original, other);
        Assert.Equal(TagSetKeys.Serialize(Tags(k1, v1, k2, v2)), other);
    }

    [Fact]
    public void FewerTagsAreADifferentSetAndNoTagsHaveAKeyToo()
    {
        var keys = new TagSetKeys();
        Assert.NotEqual(keys.KeyOf(Tags("cell", "c1", "device", "d1")), keys.KeyOf(Tags("cell", "c1")));
        Assert.Equal("[]", keys.KeyOf(Tags()));
    }

    [Fact]
    public void ChangingTheCallersListLaterDoesNotChangeWhatWasRemembered()
    {
        var keys = new TagSetKeys();
        var tags = Tags("device", "d1");
        var before = keys.KeyOf(tags);
        tags[0] = new("device", "d2");

        Assert.Equal("""[["device","d2"]]""", keys.KeyOf(tags));
        Assert.Equal(before, keys.KeyOf(Tags("device", "d1")));
    }

    [Fact]
    public void HostileTagTextStaysUnambiguous()
    {
        var keys = new TagSetKeys();
        var a = keys.KeyOf(Tags("a\",\"b", "c"));
        var b = keys.KeyOf(Tags("a", "b\",\"c"));
        Assert.NotEqual(a, b);
    }
}
