using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace SmartCommunity.Testing.Fuzzing;

/// <summary>Byte-level inputs and how to print them in a failure report.</summary>
public static class HostileBytes
{
    /// <summary>Random bytes, 0 to 64 long mostly, sometimes a few KB; biased towards JSON's and SL 651's special bytes.</summary>
    public static Gen<byte[]> Random { get; } = Gen.Frequency([
        (4, Gen.Choose(0, 64).SelectMany(n => Gen.ArrayOf(AnyByte, n))),
        (1, Gen.Choose(65, 4096).SelectMany(n => Gen.ArrayOf(AnyByte, n)))]);

    private static Gen<byte> AnyByte { get; } = Gen.Frequency([
        (8, Gen.Choose(0, 255).Select(b => (byte)b)),
        (2, Gen.Elements("{}[]\",:0123456789-+.eE \\ntfu"u8.ToArray())),
        (1, Gen.Elements<byte>(0x7E, 0x02, 0x03, 0x16, 0xFF, 0x00))]);

    /// <summary>The input as text when it is printable UTF-8, else as hex; long inputs are cut.</summary>
    public static string Describe(ReadOnlySpan<byte> bytes)
    {
        const int Shown = 400;
        var head = bytes[..Math.Min(bytes.Length, Shown)];
        var more = bytes.Length > Shown ? $"… ({bytes.Length} bytes)" : "";
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(head);
            if (!text.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
            {
                return "utf8:" + text + more;
            }
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8 (or cut inside a character): show hex.
        }

        return "hex:" + Convert.ToHexString(head) + more;
    }
}
