using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace AgentMesh.Client.Tests.Worker;

/// <summary>Plays the node at the HTTP seam for one agent: registration, long polls, heartbeats, results, progress.</summary>
internal sealed class FakeNode : HttpMessageHandler
{
    private static readonly AgentMeshJsonContext Json = AgentMeshJsonContext.Default;
    private readonly Channel<object> _pollItems = Channel.CreateBounded<object>(1000);
    private readonly ConcurrentQueue<string> _lost = new();
    private readonly ConcurrentQueue<string> _heartbeatCancellations = new();
    private int _polls;

    public Channel<TaskResult> Results { get; } = Channel.CreateBounded<TaskResult>(1000);

    public ConcurrentQueue<TaskResult> AllResults { get; } = new();

    public ConcurrentQueue<int> PollMaxes { get; } = new();

    public ConcurrentQueue<HeartbeatBody> Heartbeats { get; } = new();

    public ConcurrentQueue<ProgressBody> Progress { get; } = new();

    public int Polls => Volatile.Read(ref _polls);

    public int ResultRequests { get; private set; }

    /// <summary>Status and code the node answers for each result; 200 by default.</summary>
    public Func<TaskResult, (int Status, string? Code)> ResultStatus { get; set; } = _ => (200, null);

    /// <summary>Status the node answers for a progress report; 200 by default.</summary>
    public HttpStatusCode ProgressStatus { get; set; } = HttpStatusCode.OK;

    /// <summary>An answer to give a poll instead of polling (a 503 with <c>Retry-After</c>, say), given the poll count before it.</summary>
    public Func<int, HttpResponseMessage?> PollRefusal { get; set; } = _ => null;

    /// <summary>An exception to throw instead of answering, given the path and the poll count so far.</summary>
    public Func<string, int, Exception?> Fail { get; set; } = (_, _) => null;

    public static Assignment Assignment(string taskId, string input = "{}", int priority = 5, string? traceparent = null, params Requirement[] requirements) => new()
    {
        TaskId = taskId,
        Attempt = 1,
        LeaseToken = "lease-" + taskId,
        LeaseExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5),
        Type = "echo",
        Input = JsonDocument.Parse(input).RootElement,
        Priority = priority,
        Requirements = requirements,
        Traceparent = traceparent,
    };

    public AgentMeshClient Client() => new(new HttpClient(this) { BaseAddress = new Uri("http://node.test/") });

    public void Assign(Assignment assignment) => Assert.True(_pollItems.Writer.TryWrite(assignment));

    public void CancelOnPoll(string taskId) => Assert.True(_pollItems.Writer.TryWrite(taskId));

    public void CancelOnHeartbeat(string taskId) => _heartbeatCancellations.Enqueue(taskId);

    public void LoseLease(string taskId) => _lost.Enqueue(taskId);

    public async Task<TaskResult> NextResultAsync() =>
        await Results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (Fail(path, Polls) is { } failure)
        {
            if (path.EndsWith("/poll", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _polls);
            }

            throw failure;
        }

        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        if (request.Method == HttpMethod.Put)
        {
            var registration = JsonSerializer.Deserialize(body, Json.AgentRegistration)!;
            var id = path[(path.LastIndexOf('/') + 1)..];
            return Answer(HttpStatusCode.Created, JsonSerializer.Serialize(
                new Agent { Id = id, Tenant = "acme", Name = registration.Name, Capabilities = registration.Capabilities, Status = AgentStatus.Available },
                Json.Agent));
        }

        if (path.EndsWith("/poll", StringComparison.Ordinal))
        {
            if (PollRefusal(Interlocked.Increment(ref _polls) - 1) is { } refusal)
            {
                return refusal;
            }

            return Answer(HttpStatusCode.OK, JsonSerializer.Serialize(await PollAsync(JsonSerializer.Deserialize(body, Json.PollBody)!, cancellationToken), Json.PollResponse));
        }

        if (path.EndsWith("/heartbeat", StringComparison.Ordinal))
        {
            Heartbeats.Enqueue(JsonSerializer.Deserialize(body, Json.HeartbeatBody)!);
            var response = new HeartbeatResponse { Lost = Drain(_lost), Cancellations = Drain(_heartbeatCancellations) };
            return Answer(HttpStatusCode.OK, JsonSerializer.Serialize(response, Json.HeartbeatResponse));
        }

        if (path.EndsWith("/results", StringComparison.Ordinal))
        {
            ResultRequests++;
            var results = JsonSerializer.Deserialize(body, Json.ResultsBody)!.Results;
            var acks = new List<TaskResultAck>();
            foreach (var result in results)
            {
                var (status, code) = ResultStatus(result);
                acks.Add(new TaskResultAck { TaskId = result.TaskId, Status = status, Code = code });
                AllResults.Enqueue(result);
                await Results.Writer.WriteAsync(result, cancellationToken);
            }

            return Answer(HttpStatusCode.OK, JsonSerializer.Serialize(new ResultsResponse(acks), Json.ResultsResponse));
        }

        if (path.EndsWith("/progress", StringComparison.Ordinal))
        {
            Progress.Enqueue(JsonSerializer.Deserialize(body, Json.ProgressBody)!);
            return ProgressStatus == HttpStatusCode.OK
                ? Answer(HttpStatusCode.OK, "{}")
                : Answer(ProgressStatus, """{"status":409,"code":"lease_conflict"}""");
        }

        return Answer(HttpStatusCode.NotFound, """{"status":404,"code":"not_found"}""");
    }

    private async Task<PollResponse> PollAsync(PollBody poll, CancellationToken cancellationToken)
    {
        PollMaxes.Enqueue(poll.Max);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(poll.WaitSeconds));
        try
        {
            await _pollItems.Reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PollResponse();
        }

        var assignments = new List<Assignment>();
        var cancellations = new List<string>();
        while (_pollItems.Reader.TryPeek(out var item))
        {
            if (item is Assignment && assignments.Count == poll.Max)
            {
                break;
            }

            _pollItems.Reader.TryRead(out _);
            if (item is Assignment assignment)
            {
                assignments.Add(assignment);
            }
            else
            {
                cancellations.Add((string)item);
            }
        }

        return new PollResponse { Assignments = assignments, Cancellations = cancellations };
    }

    private static string[] Drain(ConcurrentQueue<string> queue)
    {
        var items = new List<string>();
        while (queue.TryDequeue(out var item))
        {
            items.Add(item);
        }

        return [.. items];
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
