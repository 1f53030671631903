using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using static AgentMesh.Server.Tests.JsonFieldGen;

namespace AgentMesh.Server.Tests;

/// <summary>
/// Random bodies, valid and invalid mixed field by field: every answer is either 2xx with a task that
/// reads back as submitted, or a 4xx problem with a code — never anything else.
/// </summary>
public class SubmissionPropertyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly Gen<string> Name = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 12];

    /// <summary>Quotes, SQL and JSON punctuation, markup, NUL, bidirectional and joining marks, accents and CJK.</summary>
    private static readonly Gen<string> Wild = Gen.String[Gen.Char["'\";-{}$<>/\\\u0000 \u202E\u200D\u0301é日"], 1, 20];

    private static readonly Gen<JsonObject> Body =
        Gen.Select(
            Gen.Select(
                Field(Name.Select(static s => (JsonNode?)s), Wild.Select(static s => (JsonNode?)s), Gen.Const<JsonNode?>(""), Gen.Const<JsonNode?>(new string('t', 129)), Gen.Int[0, 9].Select(static i => (JsonNode?)i)),
                Field(Gen.Int[-1, 7].Select(static i => (JsonNode?)i), Gen.Const<JsonNode?>("high"), Gen.Double[0, 5].Select(static d => (JsonNode?)d)),
                Field(Gen.Int[0, 4000].Select(static i => (JsonNode?)i)),
                Field(Gen.Int[0, 8].Select(static i => (JsonNode?)i))),
            Gen.Select(
                Field(Gen.Int.Select(static i => (JsonNode?)new JsonObject { ["n"] = i }), Gen.Const<JsonNode?>("text"), Gen.Int[0, 3].Select(static n => (JsonNode?)new JsonArray([.. Enumerable.Range(0, n).Select(static i => (JsonNode?)i)]))),
                Field(Name.Select(static k => (JsonNode?)new JsonObject { [k] = "v" }), Wild.Select(static v => (JsonNode?)new JsonObject { [v] = v }), Gen.Const<JsonNode?>(new JsonObject { [""] = "v" }), Gen.Const<JsonNode?>("not-a-map")),
                Field(Name.Select(static k => (JsonNode?)k), Wild.Select(static k => (JsonNode?)k), Gen.Const<JsonNode?>(new string('k', 129))),
                Field(
                    Gen.Select(Name, Gen.Double[0, 6]).Select(static r => (JsonNode?)new JsonArray(new JsonObject { ["capability"] = r.Item1, ["minLevel"] = r.Item2 })),
                    Gen.Const<JsonNode?>(new JsonArray(new JsonObject { ["capability"] = "Not Valid" })))),
            static (a, b) =>
            {
                var body = new JsonObject();
                Put(body, "type", a.Item1);
                Put(body, "priority", a.Item2);
                Put(body, "timeout", a.Item3);
                Put(body, "maxAttempts", a.Item4);
                Put(body, "input", b.Item1);
                Put(body, "labels", b.Item2);
                Put(body, "idempotencyKey", b.Item3);
                Put(body, "requirements", b.Item4);
                return body;
            });

    [Fact]
    public async Task SubmitTask_RandomBodies_StoredAsSentOrRefusedWithAProblem()
    {
        var tenant = await TenantClient.CreateAsync(node);
        var firstByKey = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Body.SampleAsync(
            async body =>
            {
                var response = await tenant.Http.PostAsync(
                    new Uri($"{tenant.Path}/tasks", UriKind.Relative),
                    new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
                var status = (int)response.StatusCode;
                if (status is 200 or 201)
                {
                    var id = (string)answer!["id"]!;
                    var key = (string?)body["idempotencyKey"];
                    if (key is not null && !firstByKey.TryAdd(key, id))
                    {
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        Assert.Equal(firstByKey[key], id);
                        return;
                    }

                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    var stored = (await tenant.Http.GetFromJsonAsync<JsonObject>(new Uri($"{tenant.Path}/tasks/{id}", UriKind.Relative)))!;
                    Assert.Equal((string)body["type"]!, (string)stored["type"]!);
                    Assert.Equal(Number(body["priority"]) ?? 3, (int)stored["priority"]!);
                    Assert.Equal(Number(body["timeout"]) ?? 300, (int)stored["timeout"]!);
                    Assert.Equal(Number(body["maxAttempts"]) ?? 4, (int)stored["maxAttempts"]!);
                    Assert.True(JsonNode.DeepEquals(body["input"] ?? new JsonObject(), stored["input"]), $"input {body["input"]} came back as {stored["input"]}");
                    Assert.True(JsonNode.DeepEquals(body["labels"] ?? new JsonObject(), stored["labels"]), $"labels {body["labels"]} came back as {stored["labels"]}");
                    Assert.True(JsonNode.DeepEquals(body["requirements"] ?? new JsonArray(), stored["requirements"]), $"requirements {body["requirements"]} came back as {stored["requirements"]}");
                }
                else
                {
                    Assert.InRange(status, 400, 499);
                    Assert.False(string.IsNullOrEmpty((string?)answer?["code"]), $"{status} without a problem code for {body.ToJsonString()}");
                }
            },
            iter: 300,
            threads: 1);
    }

    private static double? Number(JsonNode? value) =>
        value is null ? null : double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
}
