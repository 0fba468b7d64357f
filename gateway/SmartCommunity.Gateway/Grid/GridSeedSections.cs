using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.Grid;

/// <summary>Seed section <c>cells</c>: an array of cells, parents before children.</summary>
internal sealed class CellSeedSection(GridRegistry grid) : ISeedSection
{
    public string Name => "cells";

    public int Order => 10;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var cell in Read(section, errors))
        {
            var error = grid.UpsertCell(cell);
            if (error is not null)
            {
                errors.Add($"cell '{cell.Id}': {error}");
            }
        }

        return errors;
    }

    /// <summary>The section's entries as cells to check (<see cref="GridRules.CheckCell"/>); an entry that does not read is an error.</summary>
    internal static IEnumerable<GridCell> Read(JsonElement section, List<string> errors) =>
        SeedJson.Items<CellSeed>(section, errors).Select(item => new GridCell(item.Id ?? "", item.ParentId, item.Level, item.Name ?? "", item.Lat, item.Lon));

    private sealed record CellSeed(string? Id, string? ParentId, CellLevel Level, string? Name, double? Lat, double? Lon);
}

/// <summary>Seed section <c>people</c>. Passwords in a seed file are for demos and first installs; they are hashed at once.</summary>
internal sealed class PeopleSeedSection(GridRegistry grid, IOptions<Auth.AuthOptions> auth) : ISeedSection
{
    public string Name => "people";

    public int Order => 20;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var (person, password) in Read(section, errors))
        {
            // The API's rule (PeopleApi.MinPasswordLength–256). A password outside it is reported, not silently
            // dropped: the person is still written and keeps the password they had (a new one has none until an
            // admin sets it), so a typo in one password does not lock the rest of the file out.
            string? hash = null;
            if (password is { Length: < PeopleApi.MinPasswordLength or > 256 })
            {
                errors.Add($"person '{person.Id}': password_length: a password must have {PeopleApi.MinPasswordLength}–256 characters; the stored one is kept");
            }
            else if (password is not null)
            {
                hash = SecretHasher.Hash(password, auth.Value.PasswordIterations);
            }

            var error = grid.UpsertPerson(person, hash);
            if (error is not null)
            {
                errors.Add($"person '{person.Id}': {error}");
            }
        }

        return errors;
    }

    /// <summary>The section's entries as people to check (<see cref="GridRules.CheckPerson"/>) with their passwords in clear.</summary>
    internal static IEnumerable<(Person Person, string? Password)> Read(JsonElement section, List<string> errors) =>
        SeedJson.Items<PersonSeed>(section, errors).Select(item =>
            (new Person(item.Id ?? "", item.Name ?? "", item.Role ?? "", item.Duty, item.Cells ?? [], item.Phone, item.WebhookUrl, item.Enabled ?? true), item.Password));

    private sealed record PersonSeed(string? Id, string? Name, string? Role, Duty Duty, string[]? Cells, string? Phone, string? WebhookUrl, bool? Enabled, string? Password);
}
