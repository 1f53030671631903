using System.Text;

namespace AgentMesh.Audit.Tests;

public class ExportVerifierTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_FullExport_ChecksEveryEntryProofAndLink()
    {
        var lines = await ExportAsync(new AuditQuery(), filtered: false);

        var result = ExportVerifier.Verify(lines, AuditSamples.PublicKey);

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(30, result.EntriesChecked);
        Assert.Equal(30, result.ProofsChecked);
    }

    [Fact]
    public async Task Verify_FullExportWithALineRemoved_NamesTheMissingEntry()
    {
        var lines = (await ExportAsync(new AuditQuery(), filtered: false)).ToList();
        lines.RemoveAt(lines.FindIndex(static l => l.Contains("\"sequence\":17,", StringComparison.Ordinal)));

        var result = ExportVerifier.Verify(lines, AuditSamples.PublicKey);

        Assert.Equal(17, result.BrokenAt);
        Assert.Equal(AuditBreak.EntryMissing, result.Cause);
    }

    [Fact]
    public async Task Verify_UntrustedKeyInTheHeader_IsRefusedWhenTheAuditorNamesTheKey()
    {
        var lines = await ExportAsync(new AuditQuery { Action = "task.read" }, filtered: true);

        var result = ExportVerifier.Verify(lines, new CheckpointSigner(new byte[32]).PublicKey);

        Assert.Equal(AuditBreak.CheckpointSignatureInvalid, result.Cause);
    }

    private static async Task<string[]> ExportAsync(AuditQuery filter, bool filtered)
    {
        var store = new InMemoryAuditStore();
        await using (var appender = AuditSamples.Appender(store, new AuditOptions { Chain = "node-a", CheckpointEvery = 8 }))
        {
            await appender.StartAsync(Cancellation);
            for (var i = 1; i <= 30; i++)
            {
                await appender.AppendAsync(AuditSamples.Event(i), Cancellation);
            }

            await appender.StopAsync(Cancellation);
        }

        using var output = new MemoryStream();
        await AuditExporter.WriteAsync(store, filter, AuditSamples.PublicKey, filtered, output, Cancellation);
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
