using System.Security.Cryptography;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Infrastructure;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretBoxTests
{
    [Fact]
    public void ASealedValueOpensWithTheSameKeyAndContextAndHidesThePlainText()
    {
        var box = new SecretBox(RandomNumberGenerator.GetBytes(32));
        var sealedText = box.Seal("camera-password", "camera:cam-1:password");

        Assert.True(SecretBox.IsSealed(sealedText));
        Assert.DoesNotContain("camera-password", sealedText, StringComparison.Ordinal);
        Assert.NotEqual(sealedText, box.Seal("camera-password", "camera:cam-1:password"));
        Assert.Equal("camera-password", box.Open(sealedText, "camera:cam-1:password"));
    }

    [Fact]
    public void AValueDoesNotOpenUnderAnotherKeyAnotherContextOrWhenDamaged()
    {
        var box = new SecretBox(RandomNumberGenerator.GetBytes(32));
        var sealedText = box.Seal("camera-password", "camera:cam-1:password");

        Assert.Null(new SecretBox(RandomNumberGenerator.GetBytes(32)).Open(sealedText, "camera:cam-1:password"));
        Assert.Null(box.Open(sealedText, "camera:cam-2:password"));
        Assert.Null(box.Open(sealedText[..^4] + "AAA=", "camera:cam-1:password"));
        Assert.Null(box.Open("v1:not base64!", "camera:cam-1:password"));
        Assert.Null(box.Open("v1:AAAA", "camera:cam-1:password"));
        Assert.Null(box.Open("plain", "camera:cam-1:password"));
    }

    [Fact]
    public void TheKeyFileIsCreatedReadableOnlyByItsOwnerAndReadAgainLater()
    {
        using var directory = new TempDirectory();
        var path = directory.Sub("keys/secrets.key");

        var created = SecretBox.LoadOrCreateKey(path);

        Assert.Equal(32, created.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(created, SecretBox.LoadOrCreateKey(path));
    }

    [Fact]
    public void AKeyFileOthersCanReadOrOfTheWrongSizeStopsTheStartWithItsReason()
    {
        using var directory = new TempDirectory();
        var open = directory.Sub("open.key");
        File.WriteAllBytes(open, RandomNumberGenerator.GetBytes(32));
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var shortKey = directory.Sub("short.key");
        File.WriteAllBytes(shortKey, RandomNumberGenerator.GetBytes(16));
        File.SetUnixFileMode(shortKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Contains("chmod 600", Assert.Throws<InvalidOperationException>(() => SecretBox.LoadOrCreateKey(open)).Message, StringComparison.Ordinal);
        Assert.Contains("16 bytes", Assert.Throws<InvalidOperationException>(() => SecretBox.LoadOrCreateKey(shortKey)).Message, StringComparison.Ordinal);
    }
}
