using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>
/// Delivers entries as <c>POST {"entries": [...]}</c> with <c>X-AgentMesh-Timestamp</c> (Unix seconds) and
/// <c>X-AgentMesh-Signature: sha256=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>; any 2xx is acceptance.
/// </summary>
public sealed class WebhookSink(HttpClient http, WebhookSinkOptions options, TimeProvider time) : IAuditSink
{
    public const string TimestampHeader = "X-AgentMesh-Timestamp";

    public const string SignatureHeader = "X-AgentMesh-Signature";

    public string Name => $"webhook:{options.Url}";

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public async Task SendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(entries.Count * 800);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("entries");
            foreach (var entry in entries)
            {
                AuditJson.WriteEntry(json, entry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body.WrittenSpan.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(options.Secret!, timestamp, body.WrittenSpan));
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
