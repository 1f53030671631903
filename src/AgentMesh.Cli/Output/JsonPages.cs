using System.Text;
using System.Text.Json.Nodes;

namespace AgentMesh.Cli.Output;

/// <summary>Joins several list answers (<c>{items, nextCursor}</c>) into one document with every item.</summary>
internal static class JsonPages
{
    public static ReadOnlyMemory<byte> Merge(IEnumerable<ReadOnlyMemory<byte>> pages)
    {
        var items = new JsonArray();
        foreach (var page in pages)
        {
            if (JsonNode.Parse(page.Span) is JsonObject { } body && body["items"] is JsonArray pageItems)
            {
                foreach (var item in pageItems.ToList())
                {
                    pageItems.Remove(item);
                    items.Add(item);
                }
            }
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["items"] = items, ["nextCursor"] = null }.ToJsonString());
    }
}
