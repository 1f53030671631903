using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentMesh.Client;
using AgentMesh.TestKit.Services;
using Npgsql;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// Three nodes on one PostgreSQL database and a NATS server, twenty agents spread over the nodes, twenty
/// thousand tasks of which some fail on purpose; the leader is killed with SIGKILL mid-run and NATS is
/// restarted once. Every acknowledged task ends in exactly the terminal state its input asks for, none is
/// lost or duplicated, no result lands after a task's terminal state was written, and a JetStream consumer
/// sees every event exactly once after de-duplication by id.
/// </summary>
public sealed class ClusterTests(PostgresServer postgres)
{
    private const int Tasks = 20_000;
    private const int BatchSize = 500;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeNodes_LeaderKilledMidRun_EveryTaskEndsOnceAsAsked()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var nats = await NatsServerFixture.StartNewAsync();
        await using var cluster = await ClusterUnderTest.StartAsync(connectionString, nodes: 3, nats.Url);
        var tenant = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.Client.CreateTenantAsync(new TenantCreation { Id = tenant, Name = tenant }, Cancellation);
        Assert.Equal(["standby", "standby"], await Task.WhenAll(cluster.Urls.Skip(1).Select(NatsReadinessAsync)));
        for (var process = 0; process < 4; process++)
        {
            await cluster.AgentsAsync(tenant, $"worker-{process}", agents: 5, primary: process % 3, concurrency: 16);
        }

        // Deterministic "random" outcomes: about 5% fail for good, 5% fail on every attempt, the rest succeed.
        var random = new Random(20_000);
        var expected = new Dictionary<string, MeshTaskStatus>(Tasks);
        var submissions = new List<TaskSubmission>(Tasks);
        for (var i = 0; i < Tasks; i++)
        {
            var roll = random.Next(100);
            var key = $"task-{i}";
            expected[key] = roll < 5 ? MeshTaskStatus.Failed : roll < 10 ? MeshTaskStatus.DeadLettered : MeshTaskStatus.Succeeded;
            object input = roll < 5 ? new { n = i, failPermanently = true } : roll < 10 ? new { n = i, fail = true } : new { n = i };
            submissions.Add(new TaskSubmission
            {
                Type = "echo",
                Input = JsonSerializer.SerializeToElement(input, JsonSerializerOptions.Web),
                Requirements = [new Requirement("echo", 1)],
                MaxAttempts = 3,
                TimeoutSeconds = 10,
                IdempotencyKey = key,
            });
        }

        var submitting = SubmitAllAsync(cluster, tenant, submissions);
        await WaitUntilAsync(() => TerminalCountAsync(connectionString, tenant), Tasks / 4, TimeSpan.FromSeconds(120), cluster);
        cluster.Kill(0);
        await submitting;
        await cluster.StartNodeAsync(0);
        await WaitUntilAsync(() => TerminalCountAsync(connectionString, tenant), Tasks / 2, TimeSpan.FromSeconds(120), cluster);
        await nats.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        await nats.StartAsync();
        await WaitUntilAsync(() => TerminalCountAsync(connectionString, tenant), Tasks, TimeSpan.FromSeconds(240), cluster);

        var stored = await ReadTasksAsync(connectionString, tenant);
        Assert.Equal(Tasks, stored.Count);
        Assert.Empty(expected.Where(e => !stored.TryGetValue(e.Key, out var status) || status != e.Value).Take(20).Select(e => $"{e.Key}: expected {e.Value}, found {stored.GetValueOrDefault(e.Key)}"));
        Assert.Empty(await EventsAfterTerminalAsync(connectionString, tenant));

        // Every event of the store reaches the stream, once each after de-duplication by id.
        var events = await EventIdsAsync(connectionString);
        await using var reader = new JetStreamReader(nats.Url);
        await WaitUntilAsync(reader.MessageCountAsync, events.Count, TimeSpan.FromSeconds(120), cluster);
        var streamed = await reader.ReadAllAsync(acknowledge: false);
        var distinct = streamed.Select(static m => m.MsgId).Distinct().ToHashSet();
        Assert.Equal(events.Count, distinct.Count);
        Assert.True(distinct.SetEquals(events), "the stream's event ids differ from the store's");
        Assert.All(streamed, static m => Assert.Equal(m.MsgId, m.Id));
    }

    private static async Task<HashSet<string?>> EventIdsAsync(string connectionString)
    {
        await using var connection = Admin(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT id::text FROM events", connection);
        var ids = new HashSet<string?>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Batches with idempotency keys, retried on any failure (the leader may die mid-request): never a duplicate, never a gap.</summary>
    private static async Task SubmitAllAsync(ClusterUnderTest cluster, string tenant, List<TaskSubmission> submissions)
    {
        for (var offset = 0; offset < submissions.Count; offset += BatchSize)
        {
            var batch = submissions.GetRange(offset, Math.Min(BatchSize, submissions.Count - offset));
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await cluster.Client.SubmitTasksAsync(tenant, batch, Cancellation);
                    break;
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException or AgentMeshApiException or TaskCanceledException && attempt < 60)
                {
                    await Task.Delay(250, Cancellation);
                }
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<long>> count, long target, TimeSpan timeout, ClusterUnderTest cluster)
    {
        var deadline = DateTime.UtcNow + timeout;
        long now;
        while ((now = await count()) < target)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{now} of {target} tasks finished after {timeout}.\n{cluster.Output}");
            }

            await Task.Delay(250, Cancellation);
        }
    }

    // Read straight from the database, as the superuser: the check does not depend on the nodes under test.
    private static NpgsqlConnection Admin(string connectionString) =>
        new(PostgresServer.AsSuperuser(connectionString));

    private static async Task<long> TerminalCountAsync(string connectionString, string tenant)
    {
        await using var connection = Admin(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tasks WHERE tenant = $1 AND status IN ('succeeded', 'failed', 'dead_lettered', 'cancelled', 'expired')", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        return (long)(await command.ExecuteScalarAsync(Cancellation))!;
    }

    private static async Task<Dictionary<string, MeshTaskStatus>> ReadTasksAsync(string connectionString, string tenant)
    {
        await using var connection = Admin(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand("SELECT idempotency_key, status FROM tasks WHERE tenant = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        var tasks = new Dictionary<string, MeshTaskStatus>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            tasks.Add(reader.GetString(0), reader.GetString(1) switch
            {
                "succeeded" => MeshTaskStatus.Succeeded,
                "failed" => MeshTaskStatus.Failed,
                "dead_lettered" => MeshTaskStatus.DeadLettered,
                var other => throw new InvalidOperationException($"unexpected status {other}"),
            });
        }

        return tasks;
    }

    /// <summary>Tasks with more than one terminal event, or with any task event after their terminal one.</summary>
    private static async Task<List<string>> EventsAfterTerminalAsync(string connectionString, string tenant)
    {
        await using var connection = Admin(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(
            """
            WITH terminal AS (
                SELECT task_id, min(sequence) AS at, count(*) AS n FROM events
                WHERE tenant = $1 AND type IN ('agentmesh.task.succeeded', 'agentmesh.task.failed', 'agentmesh.task.dead_lettered')
                GROUP BY task_id)
            SELECT t.task_id::text || ': ' || e.type FROM terminal t JOIN events e ON e.task_id = t.task_id AND e.sequence > t.at
            UNION ALL
            SELECT task_id::text || ': ' || n || ' terminal events' FROM terminal WHERE n > 1
            LIMIT 20
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    /// <summary>The <c>nats</c> check of a node's <c>/health/ready</c>: only the leader publishes.</summary>
    private static async Task<string?> NatsReadinessAsync(Uri node)
    {
        using var http = new HttpClient { BaseAddress = node };
        var ready = await http.GetFromJsonAsync<JsonObject>("/health/ready", Cancellation);
        return (string?)ready?["checks"]?["nats"];
    }
}
