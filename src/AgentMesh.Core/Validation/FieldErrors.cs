namespace AgentMesh.Validation;

/// <summary>Collects validation failures keyed by field path (<c>tasks[2].priority</c>).</summary>
public sealed class FieldErrors
{
    private Dictionary<string, List<string>>? _errors;

    public bool IsEmpty => _errors is null;

    public void Add(string field, string message)
    {
        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors is null
            ? new Dictionary<string, string[]>()
            : _errors.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>One line naming every failing field, for the problem's <c>detail</c>.</summary>
    public string Describe() =>
        _errors is null ? string.Empty : string.Join(" ", _errors.Select(static kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"));

    internal static string Join(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";
}
