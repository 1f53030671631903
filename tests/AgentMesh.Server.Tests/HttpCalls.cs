using System.Net.Http.Json;
using System.Text;

namespace AgentMesh.Server.Tests;

/// <summary>HTTP calls bound to the running test's cancellation token.</summary>
public static class HttpCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> GetPathAsync(this HttpClient client, string path) => client.GetAsync(new Uri(path, UriKind.Relative), Ct);

    public static Task<HttpResponseMessage> DeletePathAsync(this HttpClient client, string path) => client.DeleteAsync(new Uri(path, UriKind.Relative), Ct);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object? body) => client.PostAsJsonAsync(path, body, Ct);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, object? body) => client.PutAsJsonAsync(path, body, Ct);

    public static Task<HttpResponseMessage> PostEmptyAsync(this HttpClient client, string path) => client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);

    public static Task<HttpResponseMessage> PostTextAsync(this HttpClient client, string path, string text, string mediaType = "application/json") =>
        client.SendTextAsync(HttpMethod.Post, path, text, mediaType);

    public static Task<HttpResponseMessage> PutTextAsync(this HttpClient client, string path, string text, string mediaType = "application/json") =>
        client.SendTextAsync(HttpMethod.Put, path, text, mediaType);

    public static Task<HttpResponseMessage> SendTextAsync(this HttpClient client, HttpMethod method, string path, string text, string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(text, Encoding.UTF8, mediaType) };
        return client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> SendRequestAsync(this HttpClient client, HttpRequestMessage request, HttpCompletionOption option = HttpCompletionOption.ResponseContentRead) =>
        client.SendAsync(request, option, Ct);
}
