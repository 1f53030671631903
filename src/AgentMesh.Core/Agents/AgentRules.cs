using AgentMesh.Validation;

namespace AgentMesh.Agents;

/// <summary>SPEC §3.2 validation of agent ids and registrations.</summary>
public static class AgentRules
{
    public const int MaxTags = 32;
    public const int MaxTagLength = 50;
    public const int MaxMetadataBytes = 16 * 1024;
    public const int MaxCapabilities = 64;

    public static bool IsValidId(string? id)
    {
        if (id is null || id.Length is < 3 or > 256)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidCapabilityName(string? name)
    {
        if (name is null || name.Length is < 1 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '.' and not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }

    public static void Validate(string id, AgentRegistration registration, FieldErrors errors)
    {
        if (!IsValidId(id))
        {
            errors.Add("id", "must be 3-256 characters of A-Z, a-z, 0-9, '-' or '_'.");
        }

        if (string.IsNullOrWhiteSpace(registration.Name) || registration.Name.Length > 256)
        {
            errors.Add("name", "is required and must be 1-256 characters.");
        }
        else if (StoredText.HasNul(registration.Name))
        {
            errors.Add("name", StoredText.NulMessage);
        }

        if (registration.Type is { Length: > 128 })
        {
            errors.Add("type", "must be at most 128 characters.");
        }
        else if (StoredText.HasNul(registration.Type))
        {
            errors.Add("type", StoredText.NulMessage);
        }

        if (registration.Description is { Length: > 1000 })
        {
            errors.Add("description", "must be at most 1000 characters.");
        }
        else if (StoredText.HasNul(registration.Description))
        {
            errors.Add("description", StoredText.NulMessage);
        }

        ValidateCapabilities(registration.Capabilities, errors);

        if (registration.MaxConcurrency is { } slots && slots is < 1 or > 1000)
        {
            errors.Add("maxConcurrency", "must be between 1 and 1000.");
        }

        if (registration.Tags is { } tags)
        {
            if (tags.Count > MaxTags)
            {
                errors.Add("tags", $"must have at most {MaxTags} entries.");
            }

            for (var i = 0; i < tags.Count; i++)
            {
                if (string.IsNullOrEmpty(tags[i]) || tags[i].Length > MaxTagLength)
                {
                    errors.Add($"tags[{i}]", $"must be 1-{MaxTagLength} characters.");
                }
            }
        }

        if (registration.Metadata is { } metadata)
        {
            long size = 0;
            foreach (var (key, value) in metadata)
            {
                if (key is null || value is null)
                {
                    errors.Add("metadata", "keys and values must be strings.");
                    break;
                }

                size += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value);
            }

            if (size > MaxMetadataBytes)
            {
                errors.Add("metadata", "must be at most 16 KiB.");
            }
        }

        if (registration.Supervisor is { } supervisor && (!IsValidId(supervisor) || supervisor == id))
        {
            errors.Add("supervisor", "must be the id of another agent.");
        }
    }

    private static void ValidateCapabilities(IReadOnlyList<Capability>? capabilities, FieldErrors errors)
    {
        if (capabilities is null || capabilities.Count == 0)
        {
            errors.Add("capabilities", "at least one capability is required.");
            return;
        }

        if (capabilities.Count > MaxCapabilities)
        {
            errors.Add("capabilities", $"must have at most {MaxCapabilities} entries.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < capabilities.Count; i++)
        {
            var capability = capabilities[i];
            if (capability is null)
            {
                errors.Add($"capabilities[{i}]", "must be an object {name, level}.");
                continue;
            }

            if (!IsValidCapabilityName(capability.Name))
            {
                errors.Add($"capabilities[{i}].name", "must be 1-64 characters of a-z, 0-9, '.', '_' or '-'.");
            }
            else if (!seen.Add(capability.Name))
            {
                errors.Add($"capabilities[{i}].name", $"'{capability.Name}' is declared twice.");
            }

            if (!(capability.Level is >= 1.0 and <= 5.0))
            {
                errors.Add($"capabilities[{i}].level", "must be a number from 1.0 to 5.0.");
            }
        }
    }
}
