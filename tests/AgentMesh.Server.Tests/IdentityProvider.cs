using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using B64 = System.Buffers.Text.Base64Url;

namespace AgentMesh.Server.Tests;

/// <summary>
/// An OpenID Connect provider on a loopback port: a discovery document and a key set of RSA and ECDSA keys made here,
/// which a test can extend (a rotation) and whose fetches it can count.
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    public const string Audience = "agentmesh-oidc-tests";

    private readonly Lock _gate = new();
    private readonly List<SecurityKey> _published = [];
    private WebApplication? _app;
    private int _keySetFetches;

    private IdentityProvider()
    {
    }

    /// <summary>The authority URL; also the issuer its tokens carry.</summary>
    public string Authority { get; private set; } = null!;

    public string JwksUrl => Authority + "/jwks";

    public RsaSecurityKey Rsa { get; } = NewRsa("rsa-1");

    public ECDsaSecurityKey Ecdsa { get; } = NewEcdsa("ec-1");

    public int KeySetFetches => Volatile.Read(ref _keySetFetches);

    public static async Task<IdentityProvider> StartAsync()
    {
        var provider = new IdentityProvider();
        provider.Publish(provider.Rsa);
        provider.Publish(provider.Ecdsa);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(
            new JsonObject { ["issuer"] = provider.Authority, ["jwks_uri"] = provider.JwksUrl }.ToJsonString(), "application/json"));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref provider._keySetFetches);
            return Results.Text(provider.KeySet(), "application/json");
        });
        await app.StartAsync();
        provider._app = app;
        provider.Authority = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return provider;
    }

    public static RsaSecurityKey NewRsa(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    public static ECDsaSecurityKey NewEcdsa(string keyId) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keyId };

    /// <summary>Adds a key to the key set, as a provider does when it rotates.</summary>
    public void Publish(SecurityKey key)
    {
        lock (_gate)
        {
            _published.Add(key);
        }
    }

    /// <summary>A token of this provider signed with <paramref name="key"/> (RS256 for RSA, ES256 for ECDSA).</summary>
    public string Token(
        SecurityKey key, string? tenant, string[] roles, string? issuer = null, string audience = Audience, DateTimeOffset? expires = null, string? agentId = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "idp-user", ["roles"] = roles };
        if (tenant is not null)
        {
            claims["tenant"] = tenant;
        }

        if (agentId is not null)
        {
            claims["agent"] = agentId;
        }

        var expiry = expires ?? DateTimeOffset.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-20).UtcDateTime,
            NotBefore = expiry.AddMinutes(-20).UtcDateTime,
            Expires = expiry.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, key is RsaSecurityKey ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.EcdsaSha256),
        });
    }

    private string KeySet()
    {
        var keys = new JsonArray();
        lock (_gate)
        {
            foreach (var key in _published)
            {
                keys.Add(key switch
                {
                    RsaSecurityKey rsa => RsaJwk(rsa),
                    ECDsaSecurityKey ec => EcJwk(ec),
                    _ => throw new InvalidOperationException(),
                });
            }
        }

        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    private static JsonObject RsaJwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = key.KeyId,
            ["n"] = B64.EncodeToString(parameters.Modulus), ["e"] = B64.EncodeToString(parameters.Exponent),
        };
    }

    private static JsonObject EcJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["crv"] = "P-256", ["kid"] = key.KeyId,
            ["x"] = B64.EncodeToString(parameters.Q.X), ["y"] = B64.EncodeToString(parameters.Q.Y),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>A node that accepts tokens of an <see cref="IdentityProvider"/> (discovered through its authority) and HS256 tokens too.</summary>
public sealed class OidcNodeFixture : NodeFixture
{
    public const string KeyRefreshMinimumInterval = "00:00:01";

    public IdentityProvider Provider { get; private set; } = null!;

    protected override IEnumerable<string> Settings =>
    [
        "--AgentMesh:Auth:Jwt:Authority", Provider.Authority,
        "--AgentMesh:Auth:Jwt:Audience", IdentityProvider.Audience,
        "--AgentMesh:Auth:Jwt:KeyRefreshMinimumInterval", KeyRefreshMinimumInterval,
        "--AgentMesh:Auth:Jwt:Secret", JwtNodeFixture.Secret,
        "--AgentMesh:Auth:Jwt:Issuer", JwtNodeFixture.Issuer,
    ];

    protected override async ValueTask BeforeStartAsync() => Provider = await IdentityProvider.StartAsync();

    protected override async ValueTask AfterStopAsync() => await Provider.DisposeAsync();
}
