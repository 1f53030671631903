using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;

namespace LlmAgent;

internal static class LlmChatClientServiceCollectionExtensions
{
    private const string HttpClientName = "llm";

    /// <summary>
    /// Registers <see cref="LlmOptions"/> (section <c>Llm</c>, with <c>LLM_BASE_URL</c>, <c>LLM_MODEL</c> and
    /// <c>LLM_API_KEY</c> as fallbacks) and an <see cref="IChatClient"/> whose HTTP calls go through the
    /// <see cref="LlmResilience"/> pipeline. The OpenAI client's own retries are off: the pipeline decides.
    /// </summary>
    public static IServiceCollection AddLlmChatClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LlmOptions>()
            .Bind(configuration.GetSection(LlmOptions.Section))
            .PostConfigure(o =>
            {
                if (o.BaseUrl is null && configuration["LLM_BASE_URL"] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    o.BaseUrl = uri;
                }

                o.Model ??= configuration["LLM_MODEL"];
                o.ApiKey ??= configuration["LLM_API_KEY"];
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>();

        // The pipeline's total timeout bounds every call, so HttpClient's own 100 s timeout is off.
        services.AddHttpClient(HttpClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(LlmResilience.PipelineName, static (builder, context) => LlmResilience.Configure(
                builder,
                context.ServiceProvider.GetRequiredService<IOptions<LlmOptions>>().Value.Resilience,
                context.ServiceProvider.GetRequiredService<ModelAvailability>(),
                context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("LlmAgent.Resilience")));
        services.AddSingleton(static provider => new ModelAvailability(provider.GetService<TimeProvider>() ?? TimeProvider.System));

        services.AddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<LlmOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            var client = new OpenAIClient(
                new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey),
                new OpenAIClientOptions
                {
                    Endpoint = options.BaseUrl,
                    Transport = new HttpClientPipelineTransport(http),
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                    NetworkTimeout = Timeout.InfiniteTimeSpan,
                });
            return client.GetChatClient(options.Model).AsIChatClient();
        });
        return services;
    }
}
