using AgentMesh.Agents;
using AgentMesh.Validation;

namespace AgentMesh.Tasks;

/// <summary>SPEC §3.3 validation of a submission. Field paths are prefixed for batch items (<c>tasks[3].priority</c>).</summary>
public static class TaskRules
{
    public const int MaxTypeLength = 128;
    public const int MaxIdempotencyKeyLength = 128;
    public const int MaxLabels = 32;
    public const int MaxLabelKeyLength = 64;
    public const int MaxLabelValueLength = 256;
    public const int MaxRequirements = 16;
    public const int MaxCorrelationIdLength = 128;

    public static void Validate(TaskSubmission submission, DateTimeOffset now, FieldErrors errors, string prefix = "")
    {
        if (string.IsNullOrWhiteSpace(submission.Type) || submission.Type.Length > MaxTypeLength)
        {
            errors.Add(FieldErrors.Join(prefix, "type"), $"is required and must be 1-{MaxTypeLength} characters.");
        }
        else if (StoredText.HasNul(submission.Type))
        {
            errors.Add(FieldErrors.Join(prefix, "type"), StoredText.NulMessage);
        }

        if (submission.Requirements is { } requirements)
        {
            if (requirements.Count > MaxRequirements)
            {
                errors.Add(FieldErrors.Join(prefix, "requirements"), $"must have at most {MaxRequirements} entries.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < requirements.Count; i++)
            {
                var requirement = requirements[i];
                var at = FieldErrors.Join(prefix, $"requirements[{i}]");
                if (requirement is null)
                {
                    errors.Add(at, "must be an object {capability, minLevel}.");
                    continue;
                }

                if (!AgentRules.IsValidCapabilityName(requirement.Capability))
                {
                    errors.Add($"{at}.capability", "must be 1-64 characters of a-z, 0-9, '.', '_' or '-'.");
                }
                else if (!seen.Add(requirement.Capability))
                {
                    errors.Add($"{at}.capability", $"'{requirement.Capability}' is required twice.");
                }

                if (!(requirement.MinLevel is >= 0 and <= 5.0))
                {
                    errors.Add($"{at}.minLevel", "must be a number from 0 to 5.0.");
                }
            }
        }

        if (submission.Priority is { } priority && priority is < 1 or > 5)
        {
            errors.Add(FieldErrors.Join(prefix, "priority"), "must be between 1 and 5.");
        }

        if (submission.Deadline is { } deadline && deadline <= now)
        {
            errors.Add(FieldErrors.Join(prefix, "deadline"), "must be in the future.");
        }

        if (submission.Timeout is { } timeout && timeout is < 1 or > 3600)
        {
            errors.Add(FieldErrors.Join(prefix, "timeout"), "must be between 1 and 3600 seconds.");
        }

        if (submission.MaxAttempts is { } maxAttempts && maxAttempts is < 1 or > 6)
        {
            errors.Add(FieldErrors.Join(prefix, "maxAttempts"), "must be between 1 and 6.");
        }

        if (submission.IdempotencyKey is { } key && (key.Length is 0 or > MaxIdempotencyKeyLength))
        {
            errors.Add(FieldErrors.Join(prefix, "idempotencyKey"), $"must be 1-{MaxIdempotencyKeyLength} characters.");
        }
        else if (StoredText.HasNul(submission.IdempotencyKey))
        {
            errors.Add(FieldErrors.Join(prefix, "idempotencyKey"), StoredText.NulMessage);
        }

        if (submission.TargetAgent is { } target && !AgentRules.IsValidId(target))
        {
            errors.Add(FieldErrors.Join(prefix, "targetAgent"), "must be a valid agent id.");
        }

        if (!RoutingStrategyNames.TryParse(submission.Strategy, out _))
        {
            errors.Add(FieldErrors.Join(prefix, "strategy"), "must be one of default, least_loaded, round_robin.");
        }

        if (submission.CorrelationId is { } correlation && (correlation.Length is 0 or > MaxCorrelationIdLength))
        {
            errors.Add(FieldErrors.Join(prefix, "correlationId"), $"must be 1-{MaxCorrelationIdLength} characters.");
        }
        else if (StoredText.HasNul(submission.CorrelationId))
        {
            errors.Add(FieldErrors.Join(prefix, "correlationId"), StoredText.NulMessage);
        }

        if (submission.Labels is { } labels)
        {
            if (labels.Count > MaxLabels)
            {
                errors.Add(FieldErrors.Join(prefix, "labels"), $"must have at most {MaxLabels} entries.");
            }

            foreach (var (name, value) in labels)
            {
                if (string.IsNullOrEmpty(name) || name.Length > MaxLabelKeyLength || value is null || value.Length > MaxLabelValueLength)
                {
                    errors.Add(FieldErrors.Join(prefix, "labels"), $"keys must be 1-{MaxLabelKeyLength} characters and values strings of at most {MaxLabelValueLength}.");
                    break;
                }
            }
        }

        if (submission.RequiredSuccessRate is { } rate && !(rate is >= 0 and <= 1))
        {
            errors.Add(FieldErrors.Join(prefix, "requiredSuccessRate"), "must be a number from 0 to 1.");
        }
    }
}
