using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AgentMesh.Audit;
using AgentMesh.Cli.Connection;
using AgentMesh.Cli.Output;
using AgentMesh.Cli.Serve;
using Spectre.Console;

namespace AgentMesh.Cli.Audit;

/// <summary><c>agentmesh audit verify|query|export</c>.</summary>
internal static partial class AuditCommands
{
    public static Command Create()
    {
        var options = new ConnectionOptions();
        var group = options.AddTo(new Command("audit", "Verify, query and export the tamper-evident audit log.") { Verify(options), Query(options), Export(options), Report(options), Erase(options), InstallPostgres() });
        Usage.SetGroupAction(group);
        return group;
    }

    private static Command Verify(ConnectionOptions options)
    {
        var offline = new Option<bool>("--offline") { Description = "Read the audit log from storage (read-only) instead of asking the node: <data>/audit.db, or the cluster's PostgreSQL with --store postgres. Works with no node running." };
        var export = new Option<FileInfo?>("--export") { Description = "Verify an export file (JSON lines from 'audit export') offline." };
        var publicKey = new Option<string?>("--public-key") { Description = "The Ed25519 public key (base64) checkpoints must be signed with. Default offline: that of the signing key the settings name (AgentMesh:Audit:SigningKeyFile or SigningKey), else <data>/audit-signing.key.pub; for an export: the key in its header." };
        var chain = new Option<string?>("--chain") { Description = "Verify only this chain (node)." };
        var from = new Option<long?>("--from") { Description = "First sequence number (default 1)." };
        var to = new Option<long?>("--to") { Description = "Last sequence number (default: the end of the chain)." };
        var stores = new StoreArguments();
        var command = new Command("verify", "Recompute the hash chain and signed checkpoints; name the first broken sequence number and why. Exit code 1 when broken.")
        {
            offline, export, publicKey, chain, from, to, stores.Store, stores.Postgres,
        };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            if (run.Get(from) is < 1)
            {
                throw new UsageException("--from must be 1 or more.");
            }

            if (!run.Get(offline) && (run.Get(stores.Store) is not null || run.Get(stores.Postgres) is not null || run.Result.UnmatchedTokens.Count > 0))
            {
                throw new UsageException("--store, --postgres and settings (--AgentMesh:… value) apply to --offline only.");
            }

            var key = run.Get(publicKey) is { } text ? ParseKey(text) : null;
            if (run.Get(export) is { } file)
            {
                return await VerifyExportAsync(run, file, key);
            }

            if (run.Get(offline))
            {
                return await VerifyOfflineAsync(run, stores, Path.GetFullPath(run.Get(options.Data)!), key, (run.Get(chain), run.Get(from) ?? 1, run.Get(to)), cancellationToken);
            }

            var report = await run.Client.VerifyAuditAsync(
                [new("chain", run.Get(chain)), new("from", Number(run.Get(from))), new("to", Number(run.Get(to)))], cancellationToken);
            if (run.Json)
            {
                await run.Output.WriteJsonAsync(json => report.WriteTo(json));
                return report.GetProperty("intact").GetBoolean() ? ExitCodes.Ok : ExitCodes.RequestFailed;
            }

            var remote = report.GetProperty("chains").EnumerateArray().Select(static c => new AuditVerification(
                c.GetProperty("chain").GetString()!,
                c.GetProperty("from").GetInt64(),
                c.GetProperty("to").GetInt64(),
                c.GetProperty("entriesChecked").GetInt64(),
                c.GetProperty("checkpointsChecked").GetInt32(),
                c.GetProperty("brokenAt").ValueKind == JsonValueKind.Number ? c.GetProperty("brokenAt").GetInt64() : null,
                AuditBreak.None,
                c.GetProperty("detail").GetString())).ToList();
            var causes = report.GetProperty("chains").EnumerateArray().Select(static c => c.GetProperty("cause").GetString()).ToList();
            return await ReportAsync(run, remote, report.GetProperty("keyId").GetString()!, causes);
        }, takesSettings: true);
        return command;
    }

    private static Command Query(ConnectionOptions options)
    {
        var filters = new AuditFilterOptions(withPaging: true);
        var command = new Command("query", "List audit entries, oldest first, filtered by tenant, actor, action, resource, outcome and time.");
        filters.AddTo(command);
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var page = await run.Client.QueryAuditAsync(run.Get(filters.Tenant), filters.Read(run), cancellationToken);
            if (run.Json)
            {
                await run.Output.WriteJsonAsync(json => page.WriteTo(json));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("time", "chain/seq", "tenant", "actor", "action", "resource", "outcome", "reason");
            foreach (var e in page.GetProperty("items").EnumerateArray())
            {
                var resource = e.GetProperty("resource");
                var actor = e.GetProperty("actor");
                table.AddRow(
                    Markup.Escape(e.GetProperty("time").GetString() ?? ""),
                    Markup.Escape($"{e.GetProperty("chain").GetString()}/{e.GetProperty("sequence").GetInt64()}"),
                    Markup.Escape(e.GetProperty("tenant").GetString() ?? "-"),
                    Markup.Escape($"{actor.GetProperty("type").GetString()}:{actor.GetProperty("id").GetString() ?? "-"}"),
                    Markup.Escape(e.GetProperty("action").GetString() ?? ""),
                    Markup.Escape($"{resource.GetProperty("type").GetString()}/{resource.GetProperty("id").GetString() ?? "-"}"),
                    Markup.Escape(e.GetProperty("outcome").GetString() ?? ""),
                    Markup.Escape(e.GetProperty("reason").GetString() ?? ""));
            }

            run.Output.Ansi.Write(table);
            if (page.GetProperty("nextCursor").GetString() is { } next)
            {
                run.Output.Ansi.MarkupLine($"More: --cursor {Markup.Escape(next)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Export(ConnectionOptions options)
    {
        var filters = new AuditFilterOptions(withPaging: false);
        var output = new Option<FileInfo?>("--out") { Description = "Write the export to this file (default: standard output)." };
        var command = new Command("export", "Export entries as JSON lines with the signing key, checkpoints and an inclusion proof per entry; check it with 'audit verify --export'.") { output };
        filters.AddTo(command);
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var filter = filters.Read(run);
            if (run.Get(output) is { } file)
            {
                await using var stream = file.Create();
                await run.Client.ExportAuditAsync(run.Get(filters.Tenant), filter, stream, cancellationToken);
                await run.Output.Error.WriteLineAsync($"Exported to {file.FullName}.");
                return ExitCodes.Ok;
            }

            using var buffer = new MemoryStream();
            await run.Client.ExportAuditAsync(run.Get(filters.Tenant), filter, buffer, cancellationToken);
            await run.Output.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Report(ConnectionOptions options)
    {
        var tenant = new Option<string?>("--tenant") { Description = "One tenant's report (an auditor key needs it). Without it: every tenant (system administrator)." };
        var since = new Option<string?>("--since") { Description = "Start of the period (RFC 3339, inclusive)." };
        var until = new Option<string?>("--until") { Description = "End of the period (RFC 3339, exclusive)." };
        var format = new Option<string>("--format") { Description = "markdown (default), html or json (--json also gives json).", DefaultValueFactory = static _ => "markdown" };
        format.AcceptOnlyFromAmong("markdown", "html", "json");
        var output = new Option<FileInfo?>("--out") { Description = "Write the report to this file (default: standard output)." };
        var command = new Command("report", "A compliance report for a period: chain verification, who accessed what, denials and administrative changes.")
        {
            tenant, since, until, format, output,
        };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var text = await run.Client.GetAuditReportAsync(
                run.Get(tenant),
                [new("from", run.Get(since)), new("to", run.Get(until)), new("format", run.Json ? "json" : run.Get(format))],
                cancellationToken);
            if (run.Get(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text, cancellationToken);
                await run.Output.Error.WriteLineAsync($"Report written to {file.FullName}.");
            }
            else
            {
                await run.Output.Out.WriteAsync(text);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command InstallPostgres()
    {
        var postgres = new Option<string>("--postgres") { Description = "An administrator's connection string to the cluster's database (a superuser, or a role that may create roles and owns the database).", Required = true };
        var role = new Option<string>("--node-role") { Description = "The role the nodes connect as.", Required = true };
        var command = new Command("install-postgres", $"Put the cluster's audit tables under a role of their own ({AgentMesh.PostgreSql.Audit.PostgresAuditSchema.OwnerRole}): the nodes' role may then only insert and read them, never drop, truncate or alter them.")
        {
            postgres, role,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            await AgentMesh.PostgreSql.Audit.PostgresAuditSchema.InstallAsync(result.GetValue(postgres)!, result.GetValue(role)!, cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(
                $"Audit tables in schema {AgentMesh.PostgreSql.Audit.PostgresAuditSchema.Schema} belong to {AgentMesh.PostgreSql.Audit.PostgresAuditSchema.OwnerRole}; {result.GetValue(role)} may insert and read them.");
            return 0;
        });
        return command;
    }

    private static Command Erase(ConnectionOptions options)
    {
        var subject = new Option<string>("--subject") { Description = "The data subject: an actor id (a key id, a token subject) or ip:<address>.", Required = true };
        var command = new Command("erase", "Erase a data subject's personal fields from the audit log for good (their key is deleted); every chain still verifies.") { subject };
        NodeAction.Set(command, options, async (run, cancellationToken) =>
        {
            var result = await run.Client.EraseAuditSubjectAsync(run.Get(subject)!, cancellationToken);
            if (run.Json)
            {
                await run.Output.WriteJsonAsync(json => result.WriteTo(json));
                return ExitCodes.Ok;
            }

            var tag = result.GetProperty("subjectTag").GetString();
            run.Output.Ansi.MarkupLine(result.GetProperty("erased").GetBoolean()
                ? $"Erased subject {Markup.Escape(tag ?? "")}: its personal fields now read as {Markup.Escape(AgentMesh.Audit.AuditSubjects.Erased)}."
                : $"Subject {Markup.Escape(tag ?? "")} has no personal data in the audit log (nothing to erase).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> VerifyExportAsync(NodeInvocation run, FileInfo file, byte[]? key)
    {
        if (!file.Exists)
        {
            throw new UsageException($"There is no export at '{file.FullName}'.");
        }

        ExportVerification result;
        try
        {
            result = ExportVerifier.Verify(File.ReadLines(file.FullName), key);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            await run.Output.WriteErrorAsync($"error: '{file.Name}' is not an audit export: {exception.Message}");
            return ExitCodes.RequestFailed;
        }

        if (run.Json)
        {
            await run.Output.WriteJsonAsync(json =>
            {
                json.WriteStartObject();
                json.WriteBoolean("intact", result.Intact);
                json.WriteString("keyId", result.KeyId);
                json.WriteBoolean("keyFromExport", key is null);
                json.WriteNumber("entriesChecked", result.EntriesChecked);
                json.WriteNumber("proofsChecked", result.ProofsChecked);
                json.WriteNumber("checkpointsChecked", result.CheckpointsChecked);
                json.WriteString("chain", result.BrokenChain);
                if (result.BrokenAt is { } at)
                {
                    json.WriteNumber("brokenAt", at);
                }
                else
                {
                    json.WriteNull("brokenAt");
                }

                json.WriteString("cause", result.Intact ? null : AuditVerification.NameOf(result.Cause));
                json.WriteString("detail", result.Detail);
                json.WriteEndObject();
            });
        }
        else if (result.Intact)
        {
            await run.Output.Out.WriteLineAsync($"intact: {result.EntriesChecked} entries, {result.ProofsChecked} inclusion proofs, {result.CheckpointsChecked} checkpoints signed by key {result.KeyId}{(key is null ? " (taken from the export itself: compare it with the node's published key)" : "")}.");
        }
        else
        {
            await run.Output.Out.WriteLineAsync($"BROKEN: chain {result.BrokenChain} at sequence {result.BrokenAt}: {AuditVerification.NameOf(result.Cause)}: {result.Detail}");
        }

        return result.Intact ? ExitCodes.Ok : ExitCodes.RequestFailed;
    }

    private static async Task<int> ReportAsync(NodeInvocation run, List<AuditVerification> results, string keyId, List<string?>? causes = null)
    {
        var intact = results.All(static r => r.Intact);
        if (run.Json)
        {
            await run.Output.WriteJsonAsync(json =>
            {
                json.WriteStartObject();
                json.WriteBoolean("intact", intact);
                json.WriteString("keyId", keyId);
                json.WriteStartArray("chains");
                foreach (var result in results)
                {
                    result.WriteTo(json);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            return intact ? ExitCodes.Ok : ExitCodes.RequestFailed;
        }

        if (results.Count == 0)
        {
            await run.Output.Out.WriteLineAsync("The audit log is empty.");
        }

        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var cause = causes?[i] ?? AuditVerification.NameOf(result.Cause);
            await run.Output.Out.WriteLineAsync(result.Intact
                ? $"chain {result.Chain}: intact — entries {result.From}…{result.To}, {result.EntriesChecked} checked, {result.CheckpointsChecked} checkpoints signed by key {keyId}."
                : $"chain {result.Chain}: BROKEN at sequence {result.BrokenAt}: {cause}: {result.Detail}");
        }

        return intact ? ExitCodes.Ok : ExitCodes.RequestFailed;
    }

    private static byte[] ParseKey(string text)
    {
        try
        {
            var key = Convert.FromBase64String(text.Trim());
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new UsageException("--public-key must be the base64 of a 32-byte Ed25519 public key.");
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);
}
