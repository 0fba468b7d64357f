using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Grid;

/// <summary>Validation of cells and people against the hierarchy; returns an error text or null.</summary>
internal static class GridRules
{
    public static string? CheckCell(GridCell cell, GridSnapshot snapshot)
    {
        if (!TopicScheme.IsValidId(cell.Id))
        {
            return "Cell id must be 1–64 letters, digits, '-' or '_'.";
        }

        if (string.IsNullOrWhiteSpace(cell.Name) || cell.Name.Length > 200)
        {
            return "Cell name is required (at most 200 characters).";
        }

        if (!Enum.IsDefined(cell.Level))
        {
            return "Cell level must be Community, Compound, Building or Unit.";
        }

        if (cell.Lat is { } lat && !(lat >= -90 && lat <= 90) || cell.Lon is { } lon && !(lon >= -180 && lon <= 180))
        {
            return "Cell coordinates must be WGS-84 latitude -90..90 and longitude -180..180.";
        }

        if (cell.ParentId is null)
        {
            return cell.Level == CellLevel.Community ? null : "Only a Community cell may have no parent.";
        }

        var parent = snapshot.Cell(cell.ParentId);
        if (parent is null)
        {
            return $"Parent cell '{cell.ParentId}' does not exist.";
        }

        if (parent.Level >= cell.Level)
        {
            return $"A {cell.Level} cannot sit under a {parent.Level}; the order is Community → Compound → Building → Unit.";
        }

        // The level order already rules out cycles: a parent is always strictly higher.
        return null;
    }

    public static string? CheckPerson(Person person, GridSnapshot snapshot)
    {
        if (!TopicScheme.IsValidId(person.Id))
        {
            return "Person id must be 1–64 letters, digits, '-' or '_'.";
        }

        if (string.IsNullOrWhiteSpace(person.Name) || person.Name.Length > 200)
        {
            return "Person name is required (at most 200 characters).";
        }

        if (!Roles.IsPersonRole(person.Role))
        {
            return $"Role must be one of {string.Join(", ", Roles.PersonRoles)}.";
        }

        if (!Enum.IsDefined(person.Duty))
        {
            return "Duty must be Guard, GridChief, Community or Staff.";
        }

        foreach (var cell in person.Cells)
        {
            if (snapshot.Cell(cell) is null)
            {
                return $"Cell '{cell}' does not exist.";
            }
        }

        if (person.Role == Roles.Guard && person.Cells.Count == 0)
        {
            return "A guard must be responsible for at least one cell.";
        }

        if (person.WebhookUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            return "Webhook URL must be an absolute http or https URL.";
        }

        if (person.Phone is { Length: > 32 })
        {
            return "Phone is at most 32 characters.";
        }

        return null;
    }
}
