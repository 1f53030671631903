using AgentMesh.Storage;

namespace AgentMesh.TestKit.Storage;

/// <summary>
/// The contract of <see cref="IMeshStore"/>, checked against real behaviour. Derive once per store: each
/// test gets a new, empty store from <see cref="CreateStoreAsync"/>, initialized by the suite.
/// </summary>
public abstract partial class MeshStoreConformanceTests : IAsyncLifetime
{
    private IMeshStore? _store;

    protected IMeshStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    /// <summary>True for durable stores: the suite then checks that everything survives <see cref="ReopenStoreAsync"/>.</summary>
    protected abstract bool SupportsReopen { get; }

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A new, empty store, not yet initialized.</summary>
    protected abstract Task<IMeshStore> CreateStoreAsync();

    /// <summary>Called after the current store was disposed: a new store over the same data, not yet initialized.</summary>
    protected virtual Task<IMeshStore> ReopenStoreAsync() => throw new NotSupportedException("This store keeps nothing after it is disposed.");

    public virtual async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(Cancellation);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the store and opens the same data again; skips the test for stores that keep nothing.</summary>
    protected async Task ReopenAsync()
    {
        Assert.SkipUnless(SupportsReopen, "The store keeps nothing after it is disposed.");
        await Store.DisposeAsync();
        _store = null;
        _store = await ReopenStoreAsync();
        await _store.InitializeAsync(Cancellation);
    }

    protected Task CommitAsync(params ChangeSet[] changes) => Store.CommitAsync(changes, Cancellation);
}
