using System.CommandLine;
using System.CommandLine.Invocation;
using AgentMesh.Cli.Output;
using AgentMesh.Server.Security;
using MeshRoles = AgentMesh.Keys.Roles;

namespace AgentMesh.Cli.Tokens;

/// <summary><c>agentmesh token create</c>: signs a JWT for development, without a node.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var group = new Command("token", "Issue JWT bearer tokens for development (HS256, the node's secret).") { CreateCommand() };
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command CreateCommand()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Tenant the token acts in; omit only for a system-admin token." };
        var roles = new Option<string[]>("--role") { Description = "A role to grant; repeat for more.", Required = true, AllowMultipleArgumentsPerToken = false };
        roles.AcceptOnlyFromAmong([.. MeshRoles.All]);
        var subject = new Option<string>("--sub") { Description = "Who the token names (the sub claim).", DefaultValueFactory = static _ => "agentmesh-cli" };
        var agent = new Option<string?>("--agent") { Description = "Bind the token to this agent id: it may act only as that agent." };
        var expires = new Option<string>("--expires") { Description = "Lifetime: 90s, 30m, 1h, 7d.", DefaultValueFactory = static _ => "1h" };
        var secret = new Option<string?>("--secret") { Description = $"Signing secret (visible to other users in the process list; prefer {TokenSettings.SecretVariable}). Default: {TokenSettings.SecretVariable}, then {JwtOptions.Section}:Secret." };
        var issuer = new Option<string?>("--issuer") { Description = $"The iss claim. Default: {JwtOptions.Section}:Issuer." };
        var audience = new Option<string?>("--audience") { Description = $"The aud claim. Default: {JwtOptions.Section}:Audience." };
        var command = new Command("create", "Print a signed token on stdout.") { tenant, roles, subject, agent, expires, secret, issuer, audience };
        command.Action = new CreateAction(result =>
        {
            var granted = result.GetValue(roles)!;
            var tenantId = result.GetValue(tenant);
            if (tenantId is null && !granted.Contains(MeshRoles.SystemAdmin))
            {
                throw new UsageException("--tenant is required unless the token is for --role system-admin.");
            }

            if (tenantId is not null && granted.Contains(MeshRoles.SystemAdmin))
            {
                throw new UsageException("system-admin is only for tokens without --tenant.");
            }

            var lifetime = TokenLifetime.Parse(result.GetValue(expires)!);
            var settings = TokenSettings.Resolve(result.GetValue(secret), result.GetValue(issuer), result.GetValue(audience));
            return JwtTokens.Create(
                settings.Secret, settings.Issuer, settings.Audience, result.GetValue(subject)!, tenantId, granted, result.GetValue(agent), TimeProvider.System.GetUtcNow(), lifetime);
        });
        return command;
    }

    private sealed class CreateAction(Func<ParseResult, string> create) : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var output = new CommandOutput(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            if (await Usage.ReportParseErrorsAsync(parseResult, output))
            {
                return ExitCodes.BadUsage;
            }

            try
            {
                await output.Out.WriteLineAsync(create(parseResult));
                return ExitCodes.Ok;
            }
            catch (UsageException exception)
            {
                await output.WriteErrorAsync($"error: {exception.Message}");
                return ExitCodes.BadUsage;
            }
        }
    }
}
