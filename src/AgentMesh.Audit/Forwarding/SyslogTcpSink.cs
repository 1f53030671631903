using System.Net.Sockets;

namespace AgentMesh.Audit;

/// <summary>Delivers entries to a syslog collector over TCP, one connection per batch, octet-counted RFC 5424 messages.</summary>
public sealed class SyslogTcpSink(SyslogSinkOptions options) : IAuditSink
{
    public string Name => $"syslog:{options.Host}:{options.Port}";

    public async Task SendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(options.Host!, options.Port, cancellationToken);
        var stream = client.GetStream();
        foreach (var entry in entries)
        {
            await stream.WriteAsync(SyslogFormat.Frame(SyslogFormat.Message(entry, options.Facility)), cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);

        // A graceful close: the collector reads everything written before the connection ends.
        client.Client.Shutdown(SocketShutdown.Send);
    }
}
