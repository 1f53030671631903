namespace AgentMesh.Audit.Tests;

public class AuditDetailsTextTests
{
    [Fact]
    public void Parse_WrittenDetails_ComeBackInOrdinalOrder()
    {
        var written = AuditDetailsText.Write(new Dictionary<string, string> { ["status"] = "200", ["method"] = "GET", ["query.q"] = "é \"quoted\" \\ ✓" });

        var details = AuditDetailsText.Parse(written);

        Assert.Equal(["method", "query.q", "status"], details.Keys);
        Assert.Equal("é \"quoted\" \\ ✓", details["query.q"]);
    }

    [Theory]
    [InlineData("{\"status\":200,\"method\":\"GET\"}", "status", "200")]
    [InlineData("{\"nested\":{\"a\":1}}", "nested", "{\"a\":1}")]
    [InlineData("{\"method\":\"GET\"", "<unreadable>", "{\"method\":\"GET\"")]
    [InlineData("{\"method\":\"GET\"} trailing", "<unreadable>", "{\"method\":\"GET\"} trailing")]
    [InlineData("not json", "<unreadable>", "not json")]
    public void Parse_AlteredText_KeepsWhatIsThereSoTheHashFails(string json, string key, string value)
    {
        var details = AuditDetailsText.Parse(json);

        Assert.Equal(value, details[key]);
    }
}
