using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway.Infrastructure.Http;

/// <summary>
/// Reads every string of an API body or seed entry, refusing one that holds U+0000: PostgreSQL's text types cannot
/// store it (22021 "invalid byte sequence for encoding UTF8: 0x00"), so such a name reached the database and failed
/// there as a server error on PostgreSQL while SQLite stored it (the seed fuzz run on PostgreSQL). Refused while the
/// body is read, it is a 400 <c>invalid_body</c> (or a refused seed entry) with the path of the value.
/// </summary>
public sealed class StoredTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString());

    /// <summary>
    /// A dictionary's keys (a device's attributes) are text from the body too, but System.Text.Json reads them with
    /// this method, not <see cref="Read"/>: without it a NUL went through in a key (issue 19's in-process fuzz run).
    /// </summary>
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString())!;

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string? Checked(string? text) =>
        text is not null && text.Contains('\0', StringComparison.Ordinal)
            ? throw new JsonException("Text may not hold the NUL character (U+0000).")
            : text;
}
