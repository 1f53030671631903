using System.CommandLine;
using System.Text.Json;
using AgentMesh.Cli.Agents;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Status;

/// <summary><c>agentmesh status</c>: the node's health, and per tenant its agents and tasks by status.</summary>
internal static class StatusCommand
{
    /// <summary>Counts stop here (shown as <c>200+</c>): status reads one small page per status, never the whole history.</summary>
    public const int CountLimit = 200;

    private static readonly MeshTaskStatus[] Columns =
    [
        MeshTaskStatus.Queued, MeshTaskStatus.Running, MeshTaskStatus.Pending, MeshTaskStatus.AwaitingApproval, MeshTaskStatus.Succeeded,
        MeshTaskStatus.Failed, MeshTaskStatus.DeadLettered, MeshTaskStatus.Cancelled, MeshTaskStatus.Expired,
    ];

    public static Command Create()
    {
        var options = new ConnectionOptions();
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant; every tenant by default (needs a system-admin key)." };
        var command = options.AddTo(new Command("status", "Show the node's health, and per tenant its agents and tasks by status.") { tenant });
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var (healthStatus, healthBody) = await run.Session.GetRawAsync("health/ready", cancellationToken);
            var ready = healthStatus == 200;
            var tenants = run.Get(tenant) is { } one ? [one] : (await run.Client.ListTenantsAsync(cancellationToken)).Select(t => t.Id).ToArray();
            var snapshots = new List<TenantSnapshot>();
            foreach (var id in tenants)
            {
                snapshots.Add(await TenantSnapshot.ReadAsync(run.Client, id, CountLimit, cancellationToken));
            }

            if (run.Json)
            {
                await run.Output.WriteJsonAsync(writer => WriteJson(writer, run.Session.Connection.Url, ready, healthBody, snapshots));
            }
            else
            {
                Show(run.Output.Ansi, run.Session.Connection.Url, ready, healthBody, snapshots);
            }

            return ready ? ExitCodes.Ok : ExitCodes.RequestFailed;
        });
        return command;
    }

    private static void Show(IAnsiConsole console, Uri url, bool ready, string healthBody, List<TenantSnapshot> snapshots)
    {
        console.MarkupLine($"Node [bold]{Markup.Escape(url.AbsoluteUri.TrimEnd('/'))}[/]: {(ready ? "[green]ready[/]" : "[red]not ready[/]")} [grey]{Markup.Escape(Checks(healthBody))}[/]");
        var table = new Table().AddColumn("TENANT").AddColumn("AGENTS").AddColumn("BUSY SLOTS");
        foreach (var status in Columns)
        {
            table.AddColumn(new TableColumn(SnakeCase.Name(status).ToUpperInvariant().Replace('_', ' ')).RightAligned());
        }

        foreach (var snapshot in snapshots)
        {
            var agents = snapshot.Agents.Count == 0 ? "none"
                : string.Join(" ", snapshot.Agents.OrderBy(a => a.Key).Select(a => $"{AgentTables.Status(a.Key)} {a.Value}"));
            var cells = new List<string> { Markup.Escape(snapshot.Tenant), agents, $"{snapshot.InFlight}/{snapshot.Slots}" };
            cells.AddRange(Columns.Select(s => snapshot.Tasks[s] is var (count, more) ? (more ? $"{count}+" : count.ToString(System.Globalization.CultureInfo.InvariantCulture)) : "-"));
            table.AddRow([.. cells]);
        }

        console.Write(table);
        console.MarkupLine($"[grey]Task counts stop at {CountLimit} (shown as {CountLimit}+).[/]");
    }

    private static string Checks(string healthBody)
    {
        try
        {
            using var document = JsonDocument.Parse(healthBody);
            return document.RootElement.TryGetProperty("checks", out var checks) && checks.ValueKind == JsonValueKind.Object
                ? "(" + string.Join(", ", checks.EnumerateObject().Select(c => $"{c.Name} {c.Value}")) + ")"
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static void WriteJson(Utf8JsonWriter writer, Uri url, bool ready, string healthBody, List<TenantSnapshot> snapshots)
    {
        writer.WriteStartObject();
        writer.WriteString("url", url.AbsoluteUri.TrimEnd('/'));
        writer.WriteBoolean("ready", ready);
        writer.WritePropertyName("health");
        try
        {
            using var health = JsonDocument.Parse(healthBody);
            health.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteNullValue();
        }

        writer.WriteNumber("countLimit", CountLimit);
        writer.WriteStartArray("tenants");
        foreach (var snapshot in snapshots)
        {
            writer.WriteStartObject();
            writer.WriteString("id", snapshot.Tenant);
            writer.WriteStartObject("agents");
            foreach (var (status, count) in snapshot.Agents.OrderBy(a => a.Key))
            {
                writer.WriteNumber(SnakeCase.Name(status), count);
            }

            writer.WriteEndObject();
            writer.WriteNumber("inFlight", snapshot.InFlight);
            writer.WriteNumber("slots", snapshot.Slots);
            writer.WriteStartObject("tasks");
            foreach (var (status, (count, more)) in snapshot.Tasks)
            {
                writer.WriteStartObject(SnakeCase.Name(status));
                writer.WriteNumber("count", count);
                writer.WriteBoolean("more", more);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
