using System.Globalization;
using AgentMesh.TestKit.Services;
using Npgsql;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>What a workload test checks at the end, read straight from a cluster's PostgreSQL database.</summary>
internal static class TaskOutcomes
{
    public static readonly string[] TerminalEvents =
    [
        "agentmesh.task.succeeded", "agentmesh.task.failed", "agentmesh.task.cancelled", "agentmesh.task.expired", "agentmesh.task.dead_lettered",
    ];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>
    /// Waits until none of <paramref name="acknowledged"/> is unfinished, then asserts that the ids are distinct, every
    /// task succeeded, and each has exactly one terminal event: none lost, none ended twice.
    /// </summary>
    public static async Task AssertEverySucceededOnceAsync(string connectionString, IReadOnlyCollection<string> acknowledged, TimeSpan within)
    {
        var ids = acknowledged.Select(Guid.Parse).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        await DependencyHangTests.WaitUntilAsync(async () => await UnfinishedAsync(connectionString, ids) == 0, within, "acknowledged tasks still unfinished");

        Assert.Equal(ids.Length, await CountAsync(connectionString, "SELECT count(*) FROM tasks WHERE id = ANY($1) AND status = 'succeeded'", ids));
        Assert.Equal(ids.Length, await CountAsync(connectionString, "SELECT count(*) FROM events WHERE task_id = ANY($1) AND type = ANY($2)", ids, TerminalEvents));
        Assert.Equal(ids.Length, await CountAsync(connectionString, "SELECT count(DISTINCT task_id) FROM events WHERE task_id = ANY($1) AND type = ANY($2)", ids, TerminalEvents));
    }

    public static Task<long> UnfinishedAsync(string connectionString, Guid[] ids) =>
        CountAsync(connectionString, "SELECT count(*) FROM tasks WHERE id = ANY($1) AND status NOT IN ('succeeded', 'failed', 'cancelled', 'expired', 'dead_lettered')", ids);

    public static async Task<long> CountAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.AsSuperuser(connectionString));
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancellation), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The sum of the samples of <paramref name="metric"/> on the node's <c>/metrics</c> whose labels contain every one
    /// of <paramref name="labels"/> (all of them without any), such as <c>outcome="declined"</c>; 0 when it has none yet.
    /// </summary>
    public static async Task<double> MetricAsync(HttpClient node, string metric, params string[] labels)
    {
        var sum = 0.0;
        foreach (var line in (await node.GetStringAsync("/metrics", Cancellation)).Split('\n'))
        {
            var matches = line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal);
            if (matches && labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            {
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                sum += double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
