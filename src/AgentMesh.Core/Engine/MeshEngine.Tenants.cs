using System.Text.Json;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Storage;
using AgentMesh.Tenants;
using AgentMesh.Validation;

namespace AgentMesh.Engine;

public sealed partial class MeshEngine
{
    public async ValueTask<MeshResult<Tenant>> CreateTenantAsync(string? id, string? name, TenantQuotas? quotas, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        TenantRules.Validate(id, name, quotas, errors);
        if (!errors.IsEmpty)
        {
            return MeshError.Invalid(errors);
        }

        await _commits.ReserveAsync(cancellationToken);
        PendingCommit commit;
        Tenant tenant;
        lock (_gate)
        {
            if (_tenants.ContainsKey(id!))
            {
                _commits.Release();
                return new MeshError(MeshErrorKind.Conflict, "tenant_exists", $"Tenant '{id}' already exists.");
            }

            tenant = new Tenant { Id = id!, Name = name!, CreatedAt = Now, Quotas = quotas ?? TenantQuotas.Default };
            _tenants[tenant.Id] = new TenantState(tenant, _options.RoutingWeights);
            var changes = new ChangeSet().Put(tenant).Add(new MeshEvent
            {
                Id = Guid.CreateVersion7(Now),
                Tenant = tenant.Id,
                Type = EventTypes.TenantCreated,
                Subject = $"tenants/{tenant.Id}",
                Time = Now,
                Data = JsonSerializer.SerializeToUtf8Bytes(new TenantEventData(tenant.Id, tenant.Name), CoreJsonContext.Default.TenantEventData),
            });
            commit = _commits.Enqueue(new PendingCommit(changes));
        }

        await commit.Completion;
        return tenant;
    }

    public Tenant? GetTenant(string id)
    {
        lock (_gate)
        {
            return _tenants.TryGetValue(id, out var tenant) ? tenant.Tenant : null;
        }
    }

    public IReadOnlyList<Tenant> ListTenants()
    {
        lock (_gate)
        {
            return [.. _tenants.Values.Select(static t => t.Tenant).OrderBy(static t => t.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Creates a key; the returned text is the only time its secret exists outside the caller.</summary>
    public async ValueTask<MeshResult<(ApiKeyRecord Key, string Text)>> CreateKeyAsync(
        string? tenantId, string? name, IReadOnlyList<string>? roles, string? agentId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 128)
        {
            errors.Add("name", "is required and must be at most 128 characters.");
        }
        else if (StoredText.HasNul(name))
        {
            errors.Add("name", StoredText.NulMessage);
        }

        roles ??= agentId is null ? null : [Roles.Agent];
        if (roles is null || roles.Count == 0)
        {
            errors.Add("roles", "at least one role is required.");
        }
        else
        {
            for (var i = 0; i < roles.Count; i++)
            {
                if (roles[i] is null || !Roles.IsKnown(roles[i]))
                {
                    errors.Add($"roles[{i}]", $"must be one of {string.Join(", ", Roles.All)}.");
                }
                else if (roles[i] == Roles.SystemAdmin && tenantId is not null)
                {
                    errors.Add($"roles[{i}]", "system-admin is only for system keys, not for a tenant's keys.");
                }
            }
        }

        if (agentId is not null && !Agents.AgentRules.IsValidId(agentId))
        {
            errors.Add("agentId", "must be a valid agent id.");
        }

        if (!errors.IsEmpty)
        {
            return MeshError.Invalid(errors);
        }

        var (keyId, secret, text) = ApiKeySecret.Generate();
        await _commits.ReserveAsync(cancellationToken);
        PendingCommit commit;
        ApiKeyRecord key;
        lock (_gate)
        {
            if (tenantId is not null && !_tenants.ContainsKey(tenantId))
            {
                _commits.Release();
                return MeshError.TenantNotFound(tenantId);
            }

            key = new ApiKeyRecord
            {
                Id = keyId,
                Tenant = tenantId,
                Name = name!,
                Roles = [.. roles!.Distinct(StringComparer.Ordinal)],
                AgentId = agentId,
                SecretHash = ApiKeySecret.Hash(secret),
                CreatedAt = Now,
            };
            _keys[key.Id] = key;
            commit = _commits.Enqueue(new PendingCommit(new ChangeSet().Put(key).Add(KeyEvent(EventTypes.KeyCreated, key))));
        }

        await commit.Completion;
        return (key, text);
    }

    public IReadOnlyList<ApiKeyRecord> ListKeys(string? tenantId)
    {
        lock (_gate)
        {
            return [.. _keys.Values.Where(k => k.Tenant == tenantId).OrderBy(static k => k.CreatedAt)];
        }
    }

    public async ValueTask<MeshResult<ApiKeyRecord>> RevokeKeyAsync(string? tenantId, string keyId, CancellationToken cancellationToken)
    {
        await _commits.ReserveAsync(cancellationToken);
        PendingCommit? commit;
        ApiKeyRecord revoked;
        lock (_gate)
        {
            if (!_keys.TryGetValue(keyId, out var key) || key.Tenant != tenantId)
            {
                _commits.Release();
                return new MeshError(MeshErrorKind.NotFound, "key_not_found", $"Key '{keyId}' was not found.");
            }

            if (key.RevokedAt is not null)
            {
                _commits.Release();
                return key;
            }

            revoked = key with { RevokedAt = Now };
            _keys[keyId] = revoked;
            commit = _commits.Enqueue(new PendingCommit(new ChangeSet().Put(revoked).Add(KeyEvent(EventTypes.KeyRevoked, revoked))));
        }

        await WhenCommitted(commit);
        if (_directoryChanges is not null)
        {
            // Not the caller's to cancel: once committed, the revocation must reach every node that caches keys.
            await _directoryChanges.KeyRevokedAsync(revoked, CancellationToken.None);
        }

        return revoked;
    }

    /// <summary>The key a bearer text stands for, if it is valid and not revoked.</summary>
    public ApiKeyRecord? Authenticate(string text)
    {
        if (!ApiKeySecret.TryParse(text, out var id, out var secret))
        {
            return null;
        }

        ApiKeyRecord? key;
        lock (_gate)
        {
            _keys.TryGetValue(id, out key);
        }

        return key is not null && key.Accepts(secret) ? key : null;
    }

    /// <summary>Creates the first system administrator key if none exists; returns its text, or null when one exists.</summary>
    public async ValueTask<string?> EnsureBootstrapKeyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_keys.Values.Any(static k => k.Tenant is null && k.RevokedAt is null && k.Roles.Contains(Roles.SystemAdmin)))
            {
                return null;
            }
        }

        var created = await CreateKeyAsync(null, "bootstrap admin", [Roles.SystemAdmin], null, cancellationToken);
        return created.Value.Text;
    }

    private MeshEvent KeyEvent(string type, ApiKeyRecord key) => new()
    {
        Id = Guid.CreateVersion7(Now),
        Tenant = key.Tenant ?? "_system",
        Type = type,
        Subject = $"keys/{key.Id}",
        Time = Now,
        Data = JsonSerializer.SerializeToUtf8Bytes(new KeyEventData(key.Id, key.Name, key.Roles, key.AgentId), CoreJsonContext.Default.KeyEventData),
    };
}
