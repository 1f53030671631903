using AgentMesh.PostgreSql;
using AgentMesh.Resilience;
using AgentMesh.Storage;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Resilience;

/// <summary>
/// The node's resilience pipelines: one <see cref="DependencyResilienceOptions"/> per name in
/// <see cref="Dependencies"/>, bound from <c>AgentMesh:Resilience:&lt;name&gt;</c> over that dependency's defaults and
/// validated at start, the <see cref="DependencyPipelines"/> built from them, and the PostgreSQL store put behind its
/// pipelines. The NATS relay takes its pipeline from the same registry.
/// </summary>
internal static class ResilienceServices
{
    public static WebApplicationBuilder AddAgentMeshResilience(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        foreach (var name in Dependencies.All)
        {
            services.AddOptions<DependencyResilienceOptions>(name)
                .Configure(options => Dependencies.ApplyDefaults(name, options))
                .BindConfiguration($"{DependencyResilienceOptions.Section}:{name}")
                .ValidateOnStart();
        }

        services.AddSingleton<IValidateOptions<DependencyResilienceOptions>, DependencyResilienceValidation>();
        services.AddSingleton<DependencyBreakers>();
        services.AddSingleton<DependencyPipelines>();

        // The store is registered by AddAgentMeshStore: keep its factory and hand the PostgreSQL store its pipelines.
        if (services.LastOrDefault(static d => d.ServiceType == typeof(IMeshStore)) is { ImplementationFactory: { } factory } registration)
        {
            services.Remove(registration);
            services.AddSingleton<IMeshStore>(sp =>
            {
                var store = (IMeshStore)factory(sp);
                if (store is PostgresMeshStore postgres)
                {
                    postgres.UseResilience(sp.GetRequiredService<DependencyPipelines>());
                }

                return store;
            });
        }

        return builder;
    }

    private sealed class DependencyResilienceValidation : IValidateOptions<DependencyResilienceOptions>
    {
        public ValidateOptionsResult Validate(string? name, DependencyResilienceOptions options) =>
            options.Validate(name ?? "") is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
