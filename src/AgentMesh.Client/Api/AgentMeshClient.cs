using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Client;

/// <summary>
/// Typed client for the AgentMesh HTTP API: tenants, keys, agents, the agent protocol, tasks and events.
/// Thread-safe; share one instance. Every tenant-scoped method takes the tenant id as its first argument.
/// Errors surface as <see cref="AgentMeshApiException"/>.
/// </summary>
public sealed partial class AgentMeshClient : IDisposable
{
    private static readonly AgentMeshJsonContext Json = AgentMeshJsonContext.Default;
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the node's address
    /// and whose default headers carry the credential (<c>Authorization: Bearer …</c>). The caller keeps ownership of it.
    /// Its <see cref="HttpClient.Timeout"/> must exceed the longest poll wait (30 s).
    /// </summary>
    /// <param name="httpClient">The HTTP client; its base address must be set.</param>
    /// <param name="logger">Logger; none by default.</param>
    /// <param name="timeProvider">Clock for reconnect delays; <see cref="TimeProvider.System"/> by default.</param>
    public AgentMeshClient(HttpClient httpClient, ILogger<AgentMeshClient>? logger = null, TimeProvider? timeProvider = null)
        : this(httpClient, ownsHttpClient: false, logger, timeProvider)
    {
    }

    private AgentMeshClient(HttpClient httpClient, bool ownsHttpClient, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the node's address.", nameof(httpClient));
        }

        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates a client that owns its own connection pool; dispose it when done.</summary>
    /// <param name="baseAddress">The node's address, such as <c>http://127.0.0.1:5080/</c>.</param>
    /// <param name="apiKey">The API key sent as <c>Authorization: Bearer</c>.</param>
    /// <param name="loggerFactory">Logger factory; none by default.</param>
    public static AgentMeshClient Create(Uri baseAddress, string apiKey, ILoggerFactory? loggerFactory = null) =>
        Create(new AgentMeshClientOptions { BaseAddress = baseAddress, ApiKey = apiKey }, loggerFactory);

    /// <summary>Creates a client that owns its own connection pool, from options (for a cluster, with its other nodes in <see cref="AgentMeshClientOptions.FallbackAddresses"/>); dispose it when done.</summary>
    /// <param name="options">The node or nodes, the credential and the timeout.</param>
    /// <param name="loggerFactory">Logger factory; none by default.</param>
    public static AgentMeshClient Create(AgentMeshClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        HttpMessageHandler handler = AgentMeshClientOptions.CreatePrimaryHandler();
        if (options.CreateFailoverHandler() is { } failover)
        {
            failover.InnerHandler = handler;
            handler = failover;
        }

        var http = new HttpClient(handler, disposeHandler: true);
        options.Apply(http);
        return new AgentMeshClient(http, ownsHttpClient: true, loggerFactory?.CreateLogger<AgentMeshClient>(), TimeProvider.System);
    }

    /// <summary>Disposes the HTTP client when one of the <c>Create</c> methods made it; otherwise does nothing.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    private static string Escape(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>A buffered JSON body: it carries a Content-Length, which every server and proxy understands.</summary>
    private static ByteArrayContent Body<T>(T body, JsonTypeInfo<T> bodyType)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, bodyType));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static string TenantPath(string tenant) => $"v1/tenants/{Escape(tenant)}";

    private async Task<(T Body, HttpStatusCode Status)> SendAsync<T>(
        HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemReader.ReadAsync(response, cancellationToken);
        }

        var body = await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new AgentMeshApiException(response.StatusCode, code: null, title: null, "The node answered with an empty body.", errors: null, requestId: null);
        return (body, response.StatusCode);
    }

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, path, content: null, responseType, cancellationToken)).Body;

    private async Task<TResponse> PostAsync<TBody, TResponse>(
        string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, path, Body(body, bodyType), responseType, cancellationToken)).Body;

    private async Task SendWithoutBodyAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemReader.ReadAsync(response, cancellationToken);
        }
    }
}
