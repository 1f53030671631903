using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Server.Tests;

public sealed class HstsTests
{
    [Fact]
    public async Task Request_OverHttpsAndHttpOfOneNode_HstsOnlyOverHttps()
    {
        using var certificate = SelfSigned();
        var data = Path.Combine(Path.GetTempPath(), "agentmesh-tests", Guid.NewGuid().ToString("N"));
        await using var app = AgentMeshNode.Build(
            ["--AgentMesh:Node:DataPath", data, "--Logging:LogLevel:Default", "Warning"],
            builder => builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
                kestrel.Listen(IPAddress.Loopback, 0);
            }));
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
            };
            using var client = new HttpClient(handler);

            var secure = await client.GetAsync(new Uri(new Uri(addresses.Single(a => a.StartsWith("https:", StringComparison.Ordinal))), "/health/live"), TestContext.Current.CancellationToken);
            var plain = await client.GetAsync(new Uri(new Uri(addresses.Single(a => a.StartsWith("http:", StringComparison.Ordinal))), "/health/live"), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.Equal("max-age=31536000; includeSubDomains", string.Join(",", secure.Headers.GetValues("Strict-Transport-Security")));
            Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
            Directory.Delete(data, recursive: true);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));

        // A certificate whose key came from an export loads on every platform's TLS stack.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
