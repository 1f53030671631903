using System.Net;

namespace AgentMesh.Client;

/// <summary>The node answered with an error: an RFC 9457 problem document with a stable <see cref="Code"/>.</summary>
public sealed class AgentMeshApiException : Exception
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoErrors =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Creates an exception without a problem document.</summary>
    public AgentMeshApiException()
        : this("The AgentMesh node answered with an error.")
    {
    }

    /// <summary>Creates an exception without a problem document.</summary>
    public AgentMeshApiException(string message)
        : base(message)
    {
        Errors = NoErrors;
    }

    /// <summary>Creates an exception without a problem document.</summary>
    public AgentMeshApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = NoErrors;
    }

    internal AgentMeshApiException(
        HttpStatusCode statusCode,
        string? code,
        string? title,
        string? detail,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? errors,
        string? requestId,
        TimeSpan? retryAfter = null)
        : base(Describe(statusCode, code, title, detail))
    {
        StatusCode = statusCode;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors ?? NoErrors;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The stable problem code, such as <c>validation_failed</c> or <c>lease_conflict</c>; <see langword="null"/> when the body was not a problem document.</summary>
    public string? Code { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail.</summary>
    public string? Detail { get; }

    /// <summary>Messages by field path (<c>tasks[2].requirements[0].minLevel</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Errors { get; }

    /// <summary>The node's request id, to find the request in its logs.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// How long the node asked the caller to wait before trying again (its <c>Retry-After</c> header, sent with
    /// <c>429</c> and <c>503</c>); <see langword="null"/> when it did not say. The SDK's own retries wait this long.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(HttpStatusCode statusCode, string? code, string? title, string? detail)
    {
        var what = detail ?? title ?? "The AgentMesh node answered with an error.";
        return code is null ? $"{(int)statusCode}: {what}" : $"{(int)statusCode} {code}: {what}";
    }
}
