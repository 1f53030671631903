using AgentMesh.Storage;
using AgentMesh.Tasks;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tests;

/// <summary>Each hot query walks one index in its own order, so its cost does not grow with finished history.</summary>
public sealed class QueryPlanTests : IAsyncLifetime
{
    private readonly TemporaryDatabase _database = new();
    private SqliteConnection _connection = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using (var store = _database.CreateStore())
        {
            await store.InitializeAsync(Cancellation);
        }

        _connection = _database.OpenRaw();
    }

    [Theory]
    [InlineData(null, "tasks_by_tenant")]
    [InlineData("status", "tasks_by_status")]
    [InlineData("type", "tasks_by_type")]
    [InlineData("agent", "tasks_by_agent")]
    [InlineData("correlation", "tasks_by_correlation")]
    [InlineData("parent", "tasks_by_parent")]
    public void ListTasks_Filter_UsesItsIndex(string? filter, string index)
    {
        var query = new TaskQuery
        {
            Tenant = "acme",
            Status = filter == "status" ? MeshTaskStatus.Running : null,
            Type = filter == "type" ? "echo" : null,
            AgentId = filter == "agent" ? "agent-1" : null,
            CorrelationId = filter == "correlation" ? "c" : null,
            ParentTaskId = filter == "parent" ? Guid.CreateVersion7() : null,
            Cursor = Guid.CreateVersion7(),
        };
        using var command = _connection.CreateCommand();
        Queries.ListTasks(command, query, 100);

        AssertPlan(command, index);
    }

    [Fact]
    public void UnfinishedTasks_UsesPartialIndex()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = Queries.UnfinishedTasks;

        AssertPlan(command, "tasks_unfinished");
    }

    [Fact]
    public void IdempotencyKeys_UsesPartialIndex()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = Queries.IdempotencyKeys;
        command.Parameters.AddWithValue("@since", 0L);

        AssertPlan(command, "tasks_by_idempotency");
    }

    [Fact]
    public void ReadEvents_ByTenantAndTypes_UsesTenantIndex()
    {
        using var command = _connection.CreateCommand();
        Queries.ReadEvents(command, new EventQuery { Tenant = "acme", AfterSequence = 10, Types = ["a", "b"] });

        AssertPlan(command, "events_by_tenant");
    }

    [Fact]
    public void ReadEvents_ByTask_UsesTaskIndex()
    {
        using var command = _connection.CreateCommand();
        Queries.ReadEvents(command, new EventQuery { Tenant = "acme", TaskId = Guid.CreateVersion7() });

        AssertPlan(command, "events_by_task");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _database.Dispose();
    }

    private static void AssertPlan(SqliteCommand command, string index)
    {
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var text = string.Join(" | ", plan);
        Assert.Contains($"INDEX {index} ", text + " ", StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", text, StringComparison.Ordinal);
    }
}
