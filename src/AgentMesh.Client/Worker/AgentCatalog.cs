namespace AgentMesh.Client.Worker;

/// <summary>The agents added to a hosted worker.</summary>
internal sealed class AgentCatalog
{
    private readonly List<AgentCatalogEntry> _entries = [];

    public IReadOnlyList<AgentCatalogEntry> Entries => _entries;

    public void Add(AgentCatalogEntry entry)
    {
        if (_entries.Exists(e => string.Equals(e.Definition.Id, entry.Definition.Id, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Agent '{entry.Definition.Id}' was added twice.");
        }

        _entries.Add(entry);
    }
}
