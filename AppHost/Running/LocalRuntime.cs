using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.AppHost;

/// <summary>
/// What the system's AppHost adds to Aspire when it runs on this machine: the state folder's
/// <c>resources.json</c> and log files, restarts after a crash, and the start-up commands.
/// </summary>
public static class LocalRuntime
{
    /// <summary>
    /// Aspire's options from ours: the dashboard on its fixed loopback ports, asking for its login token
    /// (<c>secrets/dashboard-token</c>) unless told otherwise. Only when every one of its addresses is a
    /// loopback one does it run over plain HTTP, and then it (and every service) answers only requests
    /// addressed to 127.0.0.1 or localhost, so that a web page cannot reach it by rebinding a name of its
    /// own to 127.0.0.1.
    /// </summary>
    public static DistributedApplicationOptions AspireOptions(this AppHostOptions options, string[] aspireArgs)
    {
        // Set for this process before the builder reads its configuration; a value already in the
        // environment wins, so the dashboard can run elsewhere with its login token (README).
        Default("DOTNET_ENVIRONMENT", "Development");
        Default("ASPNETCORE_URLS", $"http://127.0.0.1:{options.Port(DashboardPort)}");
        Default("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://127.0.0.1:{options.Port(DashboardOtlpPort)}");
        Default("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", $"http://127.0.0.1:{options.Port(DashboardOtlpHttpPort)}");
        Default("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", $"http://127.0.0.1:{options.Port(DashboardResourceServicePort)}");
        Default("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        Default("DOTNET_NOLOGO", "1");
        var loopback = OnLoopbackOnly(DashboardAddresses.Select(Environment.GetEnvironmentVariable));
        // The dashboard shows every resource's settings, secrets included: it asks for its login token, kept in the
        // state folder (secrets/dashboard-token) so that the link stays the same across runs.
        if (!options.Publishing && !string.Equals(Environment.GetEnvironmentVariable("ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Default(DashboardTokenVariable, StateFolder.Secret(options, "dashboard-token"));
        }
        if (loopback)
        {
            // Unprefixed, so that it wins over the "AllowedHosts": "*" of the dashboard's own appsettings.json.
            Default("AllowedHosts", "127.0.0.1;localhost");
        }
        else
        {
            Terminal.WriteLine("[apphost] The dashboard listens beyond loopback: Aspire needs HTTPS there.");
        }
        return new DistributedApplicationOptions { Args = aspireArgs, AllowUnsecuredTransport = loopback, DashboardApplicationName = "PocDirectory" };
    }

    /// <summary>Aspire's setting for the dashboard's login token.</summary>
    public const string DashboardTokenVariable = "ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN";

    /// <summary>The variables that hold the dashboard's addresses (several separated by ';').</summary>
    public static readonly string[] DashboardAddresses =
        ["ASPNETCORE_URLS", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"];

    /// <summary>True when every address given is a loopback IP address or "localhost"; "+", "*", 0.0.0.0 or a name are not.</summary>
    public static bool OnLoopbackOnly(IEnumerable<string?> addresses) =>
        addresses.Where(a => !string.IsNullOrWhiteSpace(a)).SelectMany(a => a!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .All(a => Uri.TryCreate(a, UriKind.Absolute, out var uri)
                && (uri.Host == "localhost" || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip))));

    public const int DashboardPort = 18488;
    public const int DashboardOtlpPort = 18489;
    public const int DashboardResourceServicePort = 18490;
    public const int DashboardOtlpHttpPort = 18491;

    public static string DashboardUrl => Environment.GetEnvironmentVariable("ASPNETCORE_URLS")!.Split(';')[0];

    /// <summary>resources.json, the log files, restarts with backoff, the start-up commands and each replica's scrape target.</summary>
    public static LocalRuntimeSettings AddLocalRuntime(this IDistributedApplicationBuilder builder, AppHostOptions options)
    {
        var settings = new LocalRuntimeSettings
        {
            DashboardUrl = DashboardUrl,
            DashboardOtlpHttpUrl = Environment.GetEnvironmentVariable("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"),
        };
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(settings);
        builder.RestartCrashedResources();
        builder.Services.AddSingleton<ResourceLogFiles>();
        builder.Services.AddSingleton<ResourceTable>();
        builder.Services.AddSingleton<StartupCommands>();
        builder.Services.AddSingleton<ReplicaScrapeTargets>();
        // Registered last, so stopped first: every resource ends before Aspire's own shutdown.
        builder.Services.AddHostedService<OrderlyStop>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(90));
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            // The watchers follow the resources through the orderly stop too, until the host has stopped.
            var lifetime = e.Services.GetRequiredService<IHostApplicationLifetime>();
            var stopping = lifetime.ApplicationStopping;
            e.Services.GetRequiredService<ResourceLogFiles>().Start(lifetime.ApplicationStopped);
            e.Services.GetRequiredService<ResourceTable>().Start(lifetime.ApplicationStopped);
            e.Services.GetRequiredService<StartupCommands>().Start(stopping);
            var targets = e.Services.GetRequiredService<ReplicaScrapeTargets>();
            targets.Prepare(e.Model);
            targets.Start(stopping);
            return Task.CompletedTask;
        });
        return settings;
    }

    /// <summary>Starts again, with backoff, a resource that died on its own (<see cref="CrashRestarter"/>).</summary>
    public static IDistributedApplicationBuilder RestartCrashedResources(this IDistributedApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CrashRestarter>();
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<CrashRestarter>().Start(e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped);
            return Task.CompletedTask;
        });
        return builder;
    }

    private static void Default(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

/// <summary>What the model tells the local runtime: the public ports and the start-up commands.</summary>
public sealed class LocalRuntimeSettings
{
    public int GatewayPort { get; set; }

    public int WebPort { get; set; }

    public string? DashboardUrl { get; init; }

    /// <summary>The dashboard's OTLP/HTTP endpoint, for a collector of one's own to pass telemetry on to.</summary>
    public string? DashboardOtlpHttpUrl { get; init; }

    /// <summary>Run in this order once every resource is Running.</summary>
    public List<StartupCommand> Commands { get; } = [];
}
