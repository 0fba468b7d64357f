using System.Collections.Frozen;

namespace SmartCommunity.Gateway.Grid;

/// <summary>An immutable view of cells and people with the lookups alert routing needs.</summary>
public sealed class GridSnapshot
{
    private readonly FrozenDictionary<string, GridCell> _cells;
    private readonly FrozenDictionary<string, Person> _people;
    private readonly FrozenDictionary<string, IReadOnlyList<GridCell>> _children;

    public GridSnapshot(IEnumerable<GridCell> cells, IEnumerable<Person> people)
    {
        _cells = cells.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _people = people.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
        _children = _cells.Values.Where(c => c.ParentId is not null).GroupBy(c => c.ParentId!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<GridCell>)g.OrderBy(c => c.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
    }

    public static GridSnapshot Empty { get; } = new([], []);

    public IReadOnlyCollection<GridCell> Cells => _cells.Values;

    public IReadOnlyCollection<Person> People => _people.Values;

    public GridCell? Cell(string? id) => id is not null && _cells.TryGetValue(id, out var cell) ? cell : null;

    public Person? PersonById(string? id) => id is not null && _people.TryGetValue(id, out var person) ? person : null;

    public IReadOnlyList<GridCell> Children(string id) => _children.TryGetValue(id, out var list) ? list : [];

    /// <summary>The cell and its ancestors, nearest first (unit → building → compound → community).</summary>
    public IReadOnlyList<GridCell> PathToRoot(string? cellId)
    {
        var path = new List<GridCell>();
        var current = Cell(cellId);
        while (current is not null && path.Count < 16)
        {
            path.Add(current);
            current = Cell(current.ParentId);
        }

        return path;
    }

    /// <summary>The cell and every cell below it.</summary>
    public IReadOnlySet<string> Subtree(string cellId)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(cellId);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (result.Add(id))
            {
                foreach (var child in Children(id))
                {
                    stack.Push(child.Id);
                }
            }
        }

        return result;
    }

    /// <summary>Every cell a person may see: the subtrees of the cells they are responsible for.</summary>
    public IReadOnlySet<string> VisibleCells(Person person)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cell in person.Cells)
        {
            result.UnionWith(Subtree(cell));
        }

        return result;
    }

    /// <summary>Enabled people directly responsible for a cell (not its ancestors).</summary>
    public IEnumerable<Person> ResponsibleFor(string cellId) =>
        _people.Values.Where(p => p.Enabled && p.Cells.Contains(cellId)).OrderBy(p => p.Duty).ThenBy(p => p.Id, StringComparer.Ordinal);

    internal GridSnapshot WithCell(GridCell cell) => new(_cells.Values.Where(c => c.Id != cell.Id).Append(cell), _people.Values);

    internal GridSnapshot WithoutCell(string id) => new(_cells.Values.Where(c => c.Id != id), _people.Values);

    internal GridSnapshot WithPerson(Person person) => new(_cells.Values, _people.Values.Where(p => p.Id != person.Id).Append(person));

    internal GridSnapshot WithoutPerson(string id) => new(_cells.Values, _people.Values.Where(p => p.Id != id));
}
