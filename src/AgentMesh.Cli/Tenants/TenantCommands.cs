using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Tenants;

/// <summary><c>agentmesh tenant create|list|show</c>.</summary>
internal static class TenantCommands
{
    public static Command Create()
    {
        var options = new ConnectionOptions();
        var group = options.AddTo(new Command("tenant", "Create and inspect tenants (system admin).") { CreateCommand(options), List(options), Show(options) });
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command CreateCommand(ConnectionOptions options)
    {
        var id = new Argument<string>("id") { Description = "Tenant id: 3–64 characters of a-z 0-9 - _." };
        var name = new Option<string?>("--name") { Description = "Display name; the id by default." };
        var command = new Command("create", "Create a tenant.") { id, name };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var tenantId = run.Get(id)!;
            var tenant = await run.Client.CreateTenantAsync(new TenantCreation { Id = tenantId, Name = run.Get(name) ?? tenantId }, cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
            }
            else
            {
                run.Output.Ansi.MarkupLine($"Created tenant [bold]{Markup.Escape(tenant.Id)}[/] ({Markup.Escape(tenant.Name)}).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(ConnectionOptions options)
    {
        var command = new Command("list", "List every tenant.");
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var tenants = await run.Client.ListTenantsAsync(cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("ID", "NAME", "STATUS", "CREATED", "MAX AGENTS", "MAX PENDING", "REQ/S");
            foreach (var tenant in tenants)
            {
                table.AddRow(
                    Markup.Escape(tenant.Id),
                    Markup.Escape(tenant.Name),
                    SnakeCase.Name(tenant.Status),
                    Format.Time(tenant.CreatedAt),
                    Format.Number(tenant.Quotas?.MaxAgents),
                    Format.Number(tenant.Quotas?.MaxPendingTasks),
                    Format.Number(tenant.Quotas?.RequestsPerSecond));
            }

            run.Output.Ansi.Write(table);
            run.Output.Ansi.MarkupLine($"[grey]{tenants.Count} tenant(s)[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(ConnectionOptions options)
    {
        var id = new Argument<string>("id") { Description = "Tenant id." };
        var command = new Command("show", "Show one tenant.") { id };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var tenant = await run.Client.GetTenantAsync(run.Get(id)!, cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
                return ExitCodes.Ok;
            }

            var grid = Format.Grid();
            Format.Row(grid, "id", tenant.Id);
            Format.Row(grid, "name", tenant.Name);
            Format.Row(grid, "status", SnakeCase.Name(tenant.Status));
            Format.Row(grid, "created", Format.Time(tenant.CreatedAt));
            Format.Row(grid, "max agents", Format.Number(tenant.Quotas?.MaxAgents));
            Format.Row(grid, "max pending tasks", Format.Number(tenant.Quotas?.MaxPendingTasks));
            Format.Row(grid, "requests per second", Format.Number(tenant.Quotas?.RequestsPerSecond));
            run.Output.Ansi.Write(grid);
            return ExitCodes.Ok;
        });
        return command;
    }
}
