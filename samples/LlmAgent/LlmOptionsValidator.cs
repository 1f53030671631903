using Microsoft.Extensions.Options;

namespace LlmAgent;

/// <summary>Checks <see cref="LlmOptions"/> at start, naming the setting at fault.</summary>
internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    private static readonly TimeSpan HalfSecond = TimeSpan.FromMilliseconds(500);

    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var failures = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Llm:BaseUrl (LLM_BASE_URL) is required and must be an absolute http or https address.");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add("Llm:Model (LLM_MODEL) is required.");
        }

        var r = options.Resilience;
        if (r.AttemptTimeout < TimeSpan.FromMilliseconds(10))
        {
            failures.Add("Llm:Resilience:AttemptTimeout must be at least 10 ms.");
        }

        if (r.TotalTimeout < r.AttemptTimeout)
        {
            failures.Add("Llm:Resilience:TotalTimeout must be at least the attempt timeout.");
        }

        if (r.MaxRetries is < 0 or > 100)
        {
            failures.Add("Llm:Resilience:MaxRetries must be 0–100.");
        }

        if (r.RetryBaseDelay < TimeSpan.Zero || r.RetryMaxDelay < r.RetryBaseDelay)
        {
            failures.Add("Llm:Resilience:RetryBaseDelay must not be negative and RetryMaxDelay must be at least RetryBaseDelay.");
        }

        if (r.FailureRatio is not (> 0 and <= 1))
        {
            failures.Add("Llm:Resilience:FailureRatio must be above 0 and at most 1.");
        }

        if (r.SamplingDuration < HalfSecond)
        {
            failures.Add("Llm:Resilience:SamplingDuration must be at least 0.5 s.");
        }

        if (r.MinimumThroughput < 2)
        {
            failures.Add("Llm:Resilience:MinimumThroughput must be at least 2.");
        }

        if (r.BreakDuration < HalfSecond)
        {
            failures.Add("Llm:Resilience:BreakDuration must be at least 0.5 s.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
