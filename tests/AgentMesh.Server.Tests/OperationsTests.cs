using System.Net;

namespace AgentMesh.Server.Tests;

public class OperationsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_RunningNode_Returns200(string path)
    {
        using var anonymous = node.Client(null);

        var report = await Expect.OkAsync(await anonymous.GetPathAsync(path));

        Assert.Equal("healthy", (string)report["status"]!);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTaskAndAgentPaths()
    {
        using var anonymous = node.Client(null);

        var document = await Expect.OkAsync(await anonymous.GetPathAsync("/openapi/v1.json"));

        Assert.StartsWith("3.", (string)document["openapi"]!, StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/tenants/{tenant}/tasks"), string.Join(", ", paths.Select(p => p.Key)));
        Assert.True(paths.ContainsKey("/v1/tenants/{tenant}/tasks/{taskId}"));
        Assert.True(paths.ContainsKey("/v1/tenants/{tenant}/tasks:batch"));
        Assert.True(paths.ContainsKey("/v1/tenants/{tenant}/agents/{agentId}"));
        Assert.True(paths.ContainsKey("/v1/tenants/{tenant}/agents/{agentId}/poll"));
    }

    [Fact]
    public async Task Docs_Page_ReturnsHtml()
    {
        using var anonymous = node.Client(null);

        var response = await anonymous.GetPathAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/v1/tenants")]
    [InlineData("/no/such/route")]
    [InlineData("/openapi/v1.json")]
    public async Task Response_Any_CarriesSecurityHeadersAndRequestId(string path)
    {
        using var anonymous = node.Client(null);

        var response = await anonymous.GetPathAsync(path);

        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Request-Id").Single()));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Response_RequestIdSent_IsEchoedInHeaderAndProblem()
    {
        using var anonymous = node.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/tenants", UriKind.Relative));
        request.Headers.Add("X-Request-Id", "req-123.abc");

        var response = await anonymous.SendRequestAsync(request);

        Assert.Equal("req-123.abc", response.Headers.GetValues("X-Request-Id").Single());
        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("req-123.abc", (string)problem["requestId"]!);
    }

    [Fact]
    public async Task Response_UnsafeRequestId_IsReplaced()
    {
        using var anonymous = node.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Request-Id", "bad id <script>");

        var response = await anonymous.SendRequestAsync(request);

        var echoed = response.Headers.GetValues("X-Request-Id").Single();
        Assert.NotEqual("bad id <script>", echoed);
        Assert.False(string.IsNullOrEmpty(echoed));
    }

    [Fact]
    public async Task Request_UnknownRoute_Returns404Problem()
    {
        var response = await node.Admin.GetPathAsync("/v1/nothing-here");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "route_not_found");
    }

    [Fact]
    public async Task Request_WrongMethod_Returns405Problem()
    {
        var response = await node.Admin.DeletePathAsync("/v1/tenants");

        await Expect.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
