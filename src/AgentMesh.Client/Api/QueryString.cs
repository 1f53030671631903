using System.Text;

namespace AgentMesh.Client;

/// <summary>Appends escaped <c>name=value</c> pairs to a path, skipping absent values.</summary>
internal sealed class QueryString(string path)
{
    private readonly StringBuilder _text = new(path);
    private bool _any;

    public QueryString Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(_any ? '&' : '?').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _any = true;
        return this;
    }

    public override string ToString() => _text.ToString();
}
