using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AgentMesh.Server.Security;

/// <summary>
/// The identity provider's issuer and signing keys, from its discovery document and key set, kept for
/// <see cref="JwtOptions.KeyRefreshInterval"/> and fetched again early when a token names an unknown key id, never more
/// often than <see cref="JwtOptions.KeyRefreshMinimumInterval"/>. A provider that cannot be reached leaves the node with
/// no keys (every such token is refused) rather than failing requests or the start.
/// </summary>
internal sealed partial class IdentityProviderKeys : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private const string DiscoveryPath = "/.well-known/openid-configuration";
    private const int MaxDocumentBytes = 1024 * 1024;

    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IdentityProviderKeys> _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration _current;

    // UTC ticks; 0 until the first attempt or success. Read without the gate, so kept in one word.
    private long _lastAttempt;
    private long _lastSuccess;
    private volatile bool _stale;

    public IdentityProviderKeys(IOptions<JwtOptions> options, TimeProvider time, ILogger<IdentityProviderKeys> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _current = new OpenIdConnectConfiguration { Issuer = _options.Authority ?? _options.Issuer };
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(10),
            MaxResponseContentBufferSize = MaxDocumentBytes,
        };
    }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var lastSuccess = Interlocked.Read(ref _lastSuccess);
        if (_stale || lastSuccess == 0 || _time.GetUtcNow().UtcTicks - lastSuccess >= _options.KeyRefreshInterval.Ticks)
        {
            await RefreshAsync(cancel);
        }

        return Volatile.Read(ref _current);
    }

    /// <summary>The handler asks after a token whose key was not found; the next request fetches again (within the minimum interval).</summary>
    public void RequestRefresh() => _stale = true;

    /// <summary>Fetches the keys again before validation when <paramref name="token"/> names a key id the node does not hold.</summary>
    public async Task EnsureKeyAsync(string? token, CancellationToken cancellationToken)
    {
        if (KeyId(token) is not { } keyId || Volatile.Read(ref _current).SigningKeys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal)))
        {
            return;
        }

        await RefreshAsync(cancellationToken);
    }

    /// <summary>The <c>kid</c> of a bearer token's header, or <see langword="null"/> when it has none or is not a JWT.</summary>
    internal static string? KeyId(string? token)
    {
        if (token is null || !JwtTokens.LooksLikeJwt(token))
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token).Kid is { Length: > 0 } kid ? kid : null;
        }
        catch (ArgumentException)
        {
            // SecurityTokenMalformedException is one.
            return null;
        }
    }

    private bool Due()
    {
        var lastAttempt = Interlocked.Read(ref _lastAttempt);
        return lastAttempt == 0 || _time.GetUtcNow().UtcTicks - lastAttempt >= _options.KeyRefreshMinimumInterval.Ticks;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!Due())
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!Due())
            {
                return;
            }

            Interlocked.Exchange(ref _lastAttempt, _time.GetUtcNow().UtcTicks);
            _stale = false;
            var fetched = await FetchAsync(cancellationToken);
            Volatile.Write(ref _current, fetched);
            Interlocked.Exchange(ref _lastSuccess, _time.GetUtcNow().UtcTicks);
            LogFetched(_logger, fetched.SigningKeys.Count, fetched.JwksUri);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or ArgumentException or InvalidOperationException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFetchFailed(_logger, _options.Authority ?? _options.JwksUrl, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        if (!string.IsNullOrEmpty(_options.Authority))
        {
            var discovery = await GetAsync(_options.Authority.TrimEnd('/') + DiscoveryPath, "Authority", cancellationToken);
            configuration = new OpenIdConnectConfiguration(discovery);
            if (string.IsNullOrEmpty(configuration.Issuer) || string.IsNullOrEmpty(configuration.JwksUri))
            {
                throw new InvalidOperationException("The discovery document names no issuer or no jwks_uri.");
            }
        }
        else
        {
            configuration = new OpenIdConnectConfiguration { Issuer = _options.Issuer, JwksUri = _options.JwksUrl };
        }

        configuration.JsonWebKeySet = new JsonWebKeySet(await GetAsync(configuration.JwksUri!, "jwks_uri", cancellationToken));
        foreach (var key in configuration.JsonWebKeySet.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }

    private async Task<string> GetAsync(string address, string what, CancellationToken cancellationToken)
    {
        if (_options.MetadataAddressProblem(address) is { } problem)
        {
            throw new InvalidOperationException($"The identity provider's {what} {address} {problem}");
        }

        using var response = await _http.GetAsync(new Uri(address), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Fetched {Count} signing keys of the identity provider from {Address}")]
    private static partial void LogFetched(ILogger logger, int count, string address);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Could not fetch the identity provider's signing keys from {Address}; its tokens are refused until a fetch succeeds")]
    private static partial void LogFetchFailed(ILogger logger, string? address, Exception exception);
}
