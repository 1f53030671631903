namespace AgentMesh.Audit;

/// <summary>The wire and storage spelling of the audit enums (snake_case, as in the API).</summary>
public static class AuditNames
{
    public static string Of(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "success",
        AuditOutcome.Denied => "denied",
        _ => "failed",
    };

    public static string Of(DataClassification classification) => classification switch
    {
        DataClassification.Public => "public",
        DataClassification.Internal => "internal",
        DataClassification.Confidential => "confidential",
        _ => "restricted",
    };

    public static bool TryParseOutcome(string? text, out AuditOutcome outcome)
    {
        (var ok, outcome) = text switch
        {
            "success" => (true, AuditOutcome.Success),
            "denied" => (true, AuditOutcome.Denied),
            "failed" => (true, AuditOutcome.Failed),
            _ => (false, AuditOutcome.Failed),
        };
        return ok;
    }

    public static bool TryParseClassification(string? text, out DataClassification classification)
    {
        (var ok, classification) = text switch
        {
            "public" => (true, DataClassification.Public),
            "internal" => (true, DataClassification.Internal),
            "confidential" => (true, DataClassification.Confidential),
            "restricted" => (true, DataClassification.Restricted),
            _ => (false, DataClassification.Restricted),
        };
        return ok;
    }
}
