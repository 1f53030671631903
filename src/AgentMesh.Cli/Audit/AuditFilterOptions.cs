using System.CommandLine;
using AgentMesh.Cli.Connection;

namespace AgentMesh.Cli.Audit;

/// <summary>The filters of <c>audit query</c> and <c>audit export</c>, sent as the API's query parameters.</summary>
internal sealed class AuditFilterOptions(bool withPaging)
{
    public Option<string?> Tenant { get; } = new("--tenant") { Description = "One tenant's entries (an auditor key needs it). Without it: every tenant (system administrator)." };

    private Option<string?> Actor { get; } = new("--actor") { Description = "Actor id (an API key id or token subject)." };

    private Option<string?> Action { get; } = new("--action") { Description = "Action, e.g. task.create, key.delete, audit.export." };

    private Option<string?> ResourceType { get; } = new("--resource-type") { Description = "Resource type: task, agent, key, tenant, audit, …" };

    private Option<string?> ResourceId { get; } = new("--resource-id") { Description = "Resource id." };

    private Option<string?> Outcome { get; } = new("--outcome") { Description = "success, denied or failed." };

    private Option<string?> Since { get; } = new("--since") { Description = "Entries at or after this time (RFC 3339)." };

    private Option<string?> Until { get; } = new("--until") { Description = "Entries before this time (RFC 3339)." };

    private Option<int?> Limit { get; } = new("--limit") { Description = "Entries per page, 1 to 1000 (default 100)." };

    private Option<string?> Cursor { get; } = new("--cursor") { Description = "Continue after the page that printed this cursor." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Tenant, Actor, Action, ResourceType, ResourceId, Outcome, Since, Until })
        {
            command.Options.Add(option);
        }

        if (withPaging)
        {
            command.Options.Add(Limit);
            command.Options.Add(Cursor);
        }
    }

    public IEnumerable<KeyValuePair<string, string?>> Read(NodeInvocation run)
    {
        List<KeyValuePair<string, string?>> query =
        [
            new("actor", run.Get(Actor)),
            new("action", run.Get(Action)),
            new("resourceType", run.Get(ResourceType)),
            new("resourceId", run.Get(ResourceId)),
            new("outcome", run.Get(Outcome)),
            new("from", run.Get(Since)),
            new("to", run.Get(Until)),
        ];
        if (withPaging)
        {
            query.Add(new("limit", run.Get(Limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            query.Add(new("cursor", run.Get(Cursor)));
        }

        return query;
    }
}
