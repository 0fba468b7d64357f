using System.Text.Json;
using FsCheck.Fluent;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.Shelters;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Spots;
using SmartCommunity.Testing.Fuzzing;
using static SmartCommunity.Gateway.Tests.Fuzzing.GatewayFuzzInputs;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// The admin console's write bodies and the seed file's sections as decoders, in process (no HTTP, no database), so
/// they can run a million inputs each (issue 19). An API body is read as the endpoint reads it (ASP.NET's web defaults
/// plus <see cref="ApiProblemSetup.ConfigureBodies"/>) and checked by the endpoint's own rules; a seed entry is put
/// in its section's array, parsed as <see cref="SeedLoader"/> parses a file and read and checked as the section does.
/// Property: nothing but the refusals the callers turn into answers escapes (a <see cref="JsonException"/> from the
/// body, which is a 400 <c>invalid_body</c>; an <see cref="InvalidOperationException"/> naming the seed file); every
/// refusal has words; every seed entry is applied or refused with an error line; an accepted value is in range, holds
/// no U+0000 anywhere, and the API can write it back.
/// </summary>
public static class GatewayFuzzTargets
{
    public const string SeedFile = "fuzz-seed.json";

    private static readonly JsonSerializerOptions ApiJson = ApiOptions();

    // Declared before the targets: static initialisers run in order.
    private static readonly ShelterContext Shelters = new(FuzzGrid, DeviceOf, new AreaPerPersonOptions(), null, _ => null);

    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        Api<PersonRequest>("api.people", PersonBody, r =>
            PeopleApi.Check("fuzz-person", r, FuzzGrid, out var p) is { } refused ? Refused(refused.Code + ": " + refused.Reason) : Accepted(p!, AcceptedRules.Person(p!))),
        Api<DeviceRequest>("api.devices", DeviceBody, r =>
            DeviceRules.Check("fuzz-device", r, FuzzGrid, out var d) is { } error ? Refused(error) : Accepted(d!, AcceptedRules.Device(d!, r.Secret))),
        Api<CameraRequest>("api.cameras", CameraBody, r =>
            CameraRules.Check(FuzzCamera, r, null, FuzzGrid, allowFileUrls: false, out var c) is { } error ? Refused(error) : Accepted(c!, AcceptedRules.Camera(c!))),
        Api<SpotRequest>("api.spots", SpotBody, r =>
            SpotRules.Check("fuzz-spot", r, FuzzGrid, DeviceOf, out var s) is { } error ? Refused(error) : Accepted(s!, AcceptedRules.Spot(s!))),
        Api<ShelterRequest>("api.shelters", ShelterBody, r =>
            ShelterRules.Check("fuzz-shelter", r, Shelters, out var s) is { } error ? Refused(error) : Accepted(s!, AcceptedRules.Shelter(s!)), bodyOptional: true),
        Api<Reservoir>("api.reservoirs", ReservoirBody, r => (r with { Id = "fuzz-reservoir" }) is var reservoir && DischargeScheduler.CheckReservoir(reservoir, FuzzGrid, SpotExists) is { } error
            ? Refused(error) : Accepted(reservoir, AcceptedRules.Reservoir(reservoir))),

        Seed("seed.cells", "cells", Variants(CellEntry), (section, errors) => CellSeedSection.Read(section, errors).Select(c =>
            GridRules.CheckCell(c, FuzzGrid) is { } error ? Refused(error) : Accepted(c, AcceptedRules.Cell(c)))),
        Seed("seed.people", "people", Variants(PersonBody, "fuzz-person"), (section, errors) => PeopleSeedSection.Read(section, errors).Select(p =>
            GridRules.CheckPerson(p.Person, FuzzGrid) is { } error ? Refused(error) : Accepted(p.Person, AcceptedRules.Person(p.Person)))),
        Seed("seed.devices", "devices", Variants(DeviceBody, "fuzz-device"), (section, errors) => DeviceSeedSection.Read(section, errors).Select(d =>
            DeviceRules.Check(d.Id, d.Request, FuzzGrid, out var device) is { } error ? Refused(error) : Accepted(device!, AcceptedRules.Device(device!, d.Request.Secret)))),
        Seed("seed.cameras", "cameras", Variants(CameraBody, FuzzCamera), (section, errors) => CameraSeedSection.Read(section, errors).Select(c =>
            CameraRules.Check(c.Id, c.Request, null, FuzzGrid, allowFileUrls: false, out var camera) is { } error ? Refused(error) : Accepted(camera!, AcceptedRules.Camera(camera!)))),
        Seed("seed.spots", "spots", Variants(SpotBody, "fuzz-spot"), (section, errors) => SpotSeedSection.Read(section, errors).Select(s =>
            SpotRules.Check(s.Id, s.Request, FuzzGrid, DeviceOf, out var spot) is { } error ? Refused(error) : Accepted(spot!, AcceptedRules.Spot(spot!)))),
        Seed("seed.shelters", "shelters", Variants(ShelterBody, "fuzz-shelter"), (section, errors) => ShelterSeedSection.Read(section, errors).Select(s =>
            ShelterRules.Check(s.Id, s.Request, Shelters, out var shelter) is { } error ? Refused(error) : Accepted(shelter!, AcceptedRules.Shelter(shelter!)))),
        Seed("seed.reservoirs", "reservoirs", Variants(ReservoirBody, "fuzz-reservoir"), (section, errors) => ReservoirSeedSection.Read(section, errors).Select(r =>
            DischargeScheduler.CheckReservoir(r, FuzzGrid, SpotExists) is { } error ? Refused(error) : Accepted(r, AcceptedRules.Reservoir(r)))),
    ];

    public static IFuzzTarget Named(string name) => All.Single(t => t.Name == name);

    /// <summary>How one item was judged: accepted (with what the property found wrong with it, if anything) or refused with a reason.</summary>
    private readonly record struct Verdict(object? Value, string? Reason, string? Problem);

    private static Verdict Refused(string reason) => new(null, reason, null);

    private static Verdict Accepted(object value, string? problem) => new(value, null, problem);

    /// <summary>The body read as ASP.NET reads it for the endpoint, then the endpoint's checks.</summary>
    private static FuzzTarget<byte[]> Api<T>(string name, JsonTemplate body, Func<T, Verdict> check, bool bodyOptional = false) where T : class =>
        new(name, HostileJson.Documents(Variants(body)), bytes =>
        {
            T? request;
            try
            {
                request = JsonSerializer.Deserialize<T>(bytes, ApiJson);
            }
            catch (JsonException ex)
            {
                // Answered 400 invalid_body, its detail naming the path of the bad value (ApiProblemSetup).
                return FuzzOutcome.RefusedUnless(string.IsNullOrWhiteSpace(ex.Message) ? "JsonException without a message" : null);
            }

            if (request is null && !bodyOptional)
            {
                // ASP.NET answers a required body of JSON null with 400 before the endpoint runs.
                return FuzzOutcome.Refuse;
            }

            return Judge(check(request!));
        }, bytes => HostileBytes.Describe(bytes));

    /// <summary>The entry alone in its section of a seed file, parsed, read and checked as <see cref="SeedLoader"/> and the section do.</summary>
    private static FuzzTarget<byte[]> Seed(string name, string section, FsCheck.Gen<JsonTemplate> entries, Func<JsonElement, List<string>, IEnumerable<Verdict>> apply) =>
        new(name, HostileJson.Documents(entries), entry =>
        {
            byte[] file = [.. System.Text.Encoding.UTF8.GetBytes($"{{\"{section}\":["), .. entry, .. "]}"u8];
            JsonDocument document;
            try
            {
                document = SeedLoader.Parse(file, SeedFile);
            }
            catch (InvalidOperationException ex)
            {
                // The whole file is refused and the start stops with this message: it must say which file.
                return FuzzOutcome.RefusedUnless(ex.Message.Contains(SeedFile, StringComparison.Ordinal) ? null : "file refused without its name: " + ex.Message);
            }

            using (document)
            {
                if (!document.RootElement.TryGetProperty(section, out var element))
                {
                    return FuzzOutcome.Refuse;
                }

                var errors = new List<string>();
                var accepted = 0;
                foreach (var verdict in apply(element, errors))
                {
                    if (Judge(verdict) is { Problem: not null } wrong)
                    {
                        return wrong;
                    }

                    if (verdict.Reason is null)
                    {
                        accepted++;
                    }
                    else
                    {
                        errors.Add(verdict.Reason);
                    }
                }

                var entriesInFile = element.ValueKind == JsonValueKind.Array ? element.GetArrayLength() : 1;
                return errors.Any(string.IsNullOrWhiteSpace) ? FuzzOutcome.Violation("an entry was refused without words")
                    : accepted + errors.Count < entriesInFile ? FuzzOutcome.Violation($"{entriesInFile} entries, {accepted} applied and {errors.Count} refused: an entry was dropped without an error")
                    : accepted > 0 ? FuzzOutcome.Accept
                    : FuzzOutcome.Refuse;
            }
        }, bytes => HostileBytes.Describe(bytes));

    private static FuzzOutcome Judge(Verdict verdict)
    {
        if (verdict.Value is null)
        {
            return FuzzOutcome.RefusedUnless(string.IsNullOrWhiteSpace(verdict.Reason) ? "refused without a reason" : null);
        }

        return FuzzOutcome.AcceptedUnless(verdict.Problem ?? WritesBack(verdict.Value));
    }

    /// <summary>Null when the API can write the accepted value back (a NaN could not be) and no string or key in it holds U+0000.</summary>
    private static string? WritesBack(object value)
    {
        JsonElement written;
        try
        {
            written = JsonSerializer.SerializeToElement(value, value.GetType(), ApiJson);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException or JsonException)
        {
            return $"accepted, but the API cannot write it back: {ex.GetType().Name}: {ex.Message}";
        }

        return HoldsNul(written) ? "accepted with U+0000 in a string or key (PostgreSQL text cannot hold it)" : null;
    }

    private static bool HoldsNul(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains('\0', StringComparison.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Any(HoldsNul),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains('\0', StringComparison.Ordinal) || HoldsNul(p.Value)),
        _ => false,
    };

    private static JsonSerializerOptions ApiOptions()
    {
        // ASP.NET's JsonOptions start from the web defaults; the gateway adds its converters in ConfigureBodies.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiProblemSetup.ConfigureBodies(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
