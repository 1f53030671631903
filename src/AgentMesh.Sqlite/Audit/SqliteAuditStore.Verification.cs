using System.Runtime.CompilerServices;
using AgentMesh.Audit;

namespace AgentMesh.Sqlite.Audit;

public sealed partial class SqliteAuditStore
{
    /// <summary>Entries encoded for verification straight from their rows (<see cref="EncodedAuditRows"/>).</summary>
    public async IAsyncEnumerable<EncodedRun> ReadEncodedAsync(string chain, long fromSequence, long toSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var rows = new EncodedAuditRows(connection, _path, chain, fromSequence, toSequence);
        var more = true;
        while (more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = new EncodedRun(chain);
            try
            {
                more = rows.Fill(run);
            }
            catch
            {
                run.Dispose();
                throw;
            }

            if (run.Count == 0)
            {
                run.Dispose();
                yield break;
            }

            yield return run;
        }
    }
}
