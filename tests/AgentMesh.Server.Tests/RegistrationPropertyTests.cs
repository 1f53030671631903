using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using static AgentMesh.Server.Tests.JsonFieldGen;

namespace AgentMesh.Server.Tests;

/// <summary>
/// Random registration bodies and agent ids, valid and invalid mixed: every answer is 2xx with an agent
/// that reads back as registered, or a 4xx problem with a code — never anything else.
/// </summary>
public class RegistrationPropertyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_"], 1, 12];

    private static readonly Gen<JsonNode?> Capabilities = Gen.OneOf<JsonNode?>(
        Gen.Select(Word, Gen.Double[0, 6]).Select(static c => (JsonNode?)new JsonArray(new JsonObject { ["name"] = c.Item1, ["level"] = c.Item2 })),
        Gen.Select(Word, Word, Gen.Double[1, 5]).Select(static c => (JsonNode?)new JsonArray(
            new JsonObject { ["name"] = c.Item1, ["level"] = c.Item3 },
            new JsonObject { ["name"] = c.Item2, ["level"] = c.Item3 })),
        Gen.Const<JsonNode?>(new JsonArray()),
        Gen.Const<JsonNode?>(new JsonArray(new JsonObject { ["name"] = "Bad Name", ["level"] = 3 })),
        Gen.Const<JsonNode?>((JsonNode?)null));

    private static readonly Gen<(string Id, JsonObject Body)> Registration =
        Gen.Select(
            Gen.OneOf(Word.Select(static w => "agent-" + w), Gen.Const("ab"), Gen.Const("agent.with.dots")),
            Gen.Select(
                Field(Word.Select(static w => (JsonNode?)w), Gen.Const<JsonNode?>(""), Gen.Const<JsonNode?>(new string('n', 257))),
                Capabilities,
                Field(Gen.Int[0, 1001].Select(static i => (JsonNode?)i), Gen.Const<JsonNode?>("four")),
                Field(Gen.Int[0, 34].Select(static n => (JsonNode?)new JsonArray([.. Enumerable.Range(0, n).Select(static i => (JsonNode?)$"t{i}")])))),
            Field(Word.Select(static k => (JsonNode?)new JsonObject { [k] = "v" }), Gen.Const<JsonNode?>(new JsonObject { ["k"] = new string('v', 17 * 1024) })),
            static (id, a, metadata) =>
            {
                var body = new JsonObject();
                Put(body, "name", a.Item1);
                Put(body, "capabilities", a.Item2);
                Put(body, "maxConcurrency", a.Item3);
                Put(body, "tags", a.Item4);
                Put(body, "metadata", metadata);
                return (id, body);
            });

    [Fact]
    public async Task RegisterAgent_RandomBodies_StoredAsSentOrRefusedWithAProblem()
    {
        var tenant = await TenantClient.CreateAsync(node);
        await Registration.SampleAsync(
            async sample =>
            {
                var (id, body) = sample;
                var response = await tenant.Http.PutAsync(
                    new Uri($"{tenant.Path}/agents/{id}", UriKind.Relative),
                    new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
                var status = (int)response.StatusCode;
                if (status is 200 or 201)
                {
                    var stored = (await tenant.Http.GetFromJsonAsync<JsonObject>(new Uri($"{tenant.Path}/agents/{id}", UriKind.Relative)))!;
                    Assert.Equal((string)body["name"]!, (string)stored["name"]!);
                    Assert.Equal(body["maxConcurrency"] is { } slots ? double.Parse(slots.ToJsonString(), CultureInfo.InvariantCulture) : 1, (int)stored["maxConcurrency"]!);
                    Assert.True(JsonNode.DeepEquals(body["capabilities"], stored["capabilities"]), $"capabilities {body["capabilities"]} came back as {stored["capabilities"]}");
                    Assert.True(JsonNode.DeepEquals(body["tags"] ?? new JsonArray(), stored["tags"]), $"tags {body["tags"]} came back as {stored["tags"]}");
                    Assert.True(JsonNode.DeepEquals(body["metadata"] ?? new JsonObject(), stored["metadata"]), $"metadata came back as {stored["metadata"]}");
                }
                else
                {
                    Assert.InRange(status, 400, 499);
                    Assert.False(string.IsNullOrEmpty((string?)answer?["code"]), $"{status} without a problem code for {id} {body.ToJsonString()}");
                }
            },
            iter: 300,
            threads: 1);
    }
}
