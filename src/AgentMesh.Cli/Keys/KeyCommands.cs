using System.CommandLine;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Keys;

/// <summary><c>agentmesh key create|list|revoke</c>.</summary>
internal static class KeyCommands
{
    private static readonly string[] Roles =
    [
        ApiKeyRoles.SystemAdmin, ApiKeyRoles.TenantAdmin, ApiKeyRoles.Operator, ApiKeyRoles.Submitter,
        ApiKeyRoles.Agent, ApiKeyRoles.Viewer, ApiKeyRoles.Auditor,
    ];

    public static Command Create()
    {
        var options = new ConnectionOptions();
        var tenant = new Option<string>("--tenant") { Description = "Tenant id.", Required = true, Recursive = true };
        var group = options.AddTo(new Command("key", "Create, list and revoke a tenant's API keys.") { CreateCommand(options, tenant), List(options, tenant), Revoke(options, tenant) });
        group.Options.Add(tenant);
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command CreateCommand(ConnectionOptions options, Option<string> tenant)
    {
        var name = new Option<string>("--name") { Description = "Display name.", Required = true };
        var roles = new Option<string[]>("--role")
        {
            Description = "A role to grant; repeat for more.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        roles.AcceptOnlyFromAmong(Roles);
        var agent = new Option<string?>("--agent") { Description = "Bind the key to this agent id: it may act only as that agent." };
        var command = new Command("create", "Create a key; its secret is printed once, never again.") { name, roles, agent };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var key = await run.Client.CreateKeyAsync(
                run.Get(tenant)!,
                new ApiKeyCreation { Name = run.Get(name)!, Roles = run.Get(roles)!, AgentId = run.Get(agent) },
                cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
                return ExitCodes.Ok;
            }

            run.Output.Ansi.MarkupLine($"Created key [bold]{Markup.Escape(key.Id)}[/] ({Markup.Escape(key.Name)}: {Markup.Escape(string.Join(", ", key.Roles))}) in tenant {Markup.Escape(run.Get(tenant)!)}.");
            run.Output.Ansi.MarkupLine("[yellow]The secret is shown only now; store it:[/]");

            // The secret alone on its line, so it can be cut from the output.
            await run.Output.Out.WriteLineAsync(key.Key);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(ConnectionOptions options, Option<string> tenant)
    {
        var command = new Command("list", "List the tenant's keys (without secrets).");
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var keys = await run.Client.ListKeysAsync(run.Get(tenant)!, cancellationToken);
            if (run.Json)
            {
                await run.WriteNodeJsonAsync();
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("ID", "NAME", "ROLES", "AGENT", "CREATED");
            foreach (var key in keys)
            {
                table.AddRow(
                    Markup.Escape(key.Id),
                    Markup.Escape(key.Name),
                    Markup.Escape(string.Join(", ", key.Roles)),
                    Markup.Escape(key.AgentId ?? "-"),
                    Format.Time(key.CreatedAt));
            }

            run.Output.Ansi.Write(table);
            run.Output.Ansi.MarkupLine($"[grey]{keys.Count} key(s)[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke(ConnectionOptions options, Option<string> tenant)
    {
        var keyId = new Argument<string>("keyId") { Description = "Id of the key to revoke." };
        var command = new Command("revoke", "Revoke a key; it stops working at once.") { keyId };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            await run.Client.RevokeKeyAsync(run.Get(tenant)!, run.Get(keyId)!, cancellationToken);
            if (run.Json)
            {
                await run.Output.WriteJsonAsync(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", run.Get(keyId));
                    writer.WriteBoolean("revoked", true);
                    writer.WriteEndObject();
                });
            }
            else
            {
                run.Output.Ansi.MarkupLine($"Revoked key [bold]{Markup.Escape(run.Get(keyId)!)}[/].");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
