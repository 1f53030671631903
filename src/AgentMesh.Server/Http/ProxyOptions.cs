using System.Net;

namespace AgentMesh.Server.Http;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the node believes, bound from
/// <c>AgentMesh:Node:ForwardedHeaders</c>. Empty by default: forwarded headers are ignored, and the caller's address is
/// the connection's.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "AgentMesh:Node:ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of the node (<c>10.0.0.5</c>, <c>::1</c>). Default none.</summary>
    public List<string> KnownProxies { get; } = [];

    /// <summary>Networks of proxies in CIDR notation (<c>10.0.0.0/8</c>). Default none.</summary>
    public List<string> KnownNetworks { get; } = [];

    /// <summary>Whether forwarded headers are read at all.</summary>
    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>Why these options cannot be used, or <see langword="null"/> when they can.</summary>
    public string? Problem()
    {
        foreach (var proxy in KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                return $"{Section}:KnownProxies: '{proxy}' is not an IP address.";
            }
        }

        foreach (var network in KnownNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                return $"{Section}:KnownNetworks: '{network}' is not a network in CIDR notation (10.0.0.0/8).";
            }
        }

        return null;
    }
}
