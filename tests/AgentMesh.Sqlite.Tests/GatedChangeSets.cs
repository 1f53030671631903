using System.Collections;
using AgentMesh.Storage;

namespace AgentMesh.Sqlite.Tests;

/// <summary>Change sets that hold the committing thread when the store reaches one of them, until released.</summary>
internal sealed class GatedChangeSets(IReadOnlyList<ChangeSet> changes, int gate) : IReadOnlyList<ChangeSet>, IDisposable
{
    private readonly ManualResetEventSlim _release = new();

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => changes.Count;

    public ChangeSet this[int index]
    {
        get
        {
            if (index == gate && Reached.TrySetResult())
            {
                // A guard against a hung test run, not a timing assumption.
                _release.Wait(TimeSpan.FromMinutes(1));
            }

            return changes[index];
        }
    }

    public void Release() => _release.Set();

    public IEnumerator<ChangeSet> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _release.Dispose();
}
