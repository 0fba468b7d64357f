namespace SmartCommunity.Gateway.Grid;

/// <summary>
/// What a person may see (docs/dashboards.md, "Who sees what"): every cell for staff (public security, emergency,
/// water authority, admin), else the subtrees of the cells a guard is responsible for. The one answer to "may this
/// caller see a thing in cell X"; a thing with no cell is seen by staff only.
/// </summary>
public sealed class CellScope
{
    private CellScope(IReadOnlySet<string>? cells) => Cells = cells;

    /// <summary>Staff: every cell.</summary>
    public static CellScope Everything { get; } = new(null);

    /// <summary>Someone responsible for no cell (or unknown to the grid): nothing.</summary>
    public static CellScope Nothing { get; } = new(new HashSet<string>(StringComparer.Ordinal));

    public static CellScope Of(IReadOnlySet<string> cells) => new(cells);

    public bool IsEverything => Cells is null;

    /// <summary>For filters applied elsewhere (a database query, the live stream): null means every cell.</summary>
    public IReadOnlySet<string>? Cells { get; }

    public bool Contains(string? cellId) => Cells is null || (cellId is not null && Cells.Contains(cellId));
}
