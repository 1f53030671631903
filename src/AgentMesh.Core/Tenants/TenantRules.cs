using AgentMesh.Validation;

namespace AgentMesh.Tenants;

/// <summary>SPEC §3.1: id 3–64 chars of <c>a-z 0-9 - _</c>, starting with a letter or digit.</summary>
public static class TenantRules
{
    public static bool IsValidId(string? id)
    {
        if (id is null || id.Length is < 3 or > 64 || !IsLowerAlnum(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!IsLowerAlnum(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    public static void Validate(string? id, string? name, TenantQuotas? quotas, FieldErrors errors)
    {
        if (!IsValidId(id))
        {
            errors.Add("id", "must be 3-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 256)
        {
            errors.Add("name", "is required and must be at most 256 characters.");
        }
        else if (StoredText.HasNul(name))
        {
            errors.Add("name", StoredText.NulMessage);
        }

        if (quotas is not null)
        {
            if (quotas.MaxAgents is < 1 or > 1_000_000)
            {
                errors.Add("quotas.maxAgents", "must be between 1 and 1000000.");
            }

            if (quotas.MaxPendingTasks is < 1 or > 100_000_000)
            {
                errors.Add("quotas.maxPendingTasks", "must be between 1 and 100000000.");
            }

            if (quotas.RequestsPerSecond is < 1 or > 1_000_000)
            {
                errors.Add("quotas.requestsPerSecond", "must be between 1 and 1000000.");
            }
        }
    }

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
