namespace AgentMesh.Client;

/// <summary>One page of a list.</summary>
/// <typeparam name="T">The listed item.</typeparam>
public sealed record Page<T>
{
    /// <summary>The items of this page.</summary>
    public IReadOnlyList<T> Items { get => field ?? []; init; }

    /// <summary>Pass as the cursor to read the next page; <see langword="null"/> on the last page.</summary>
    public string? NextCursor { get; init; }
}
