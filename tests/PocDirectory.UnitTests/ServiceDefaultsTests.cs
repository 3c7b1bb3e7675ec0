using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace PocDirectory.UnitTests;

/// <summary>The HttpClient defaults every service gets: service discovery and the standard resilience handler.</summary>
public sealed class ServiceDefaultsTests
{
    [Fact]
    public void The_logs_keep_a_libraries_warnings_and_drop_its_lines_for_every_request()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureStructuredLogging();
        using var host = builder.Build();
        var loggers = host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
        foreach (var category in new[] { "OpenIddict.Validation.OpenIddictValidationDispatcher", "OpenIddict.Server.OpenIddictServerDispatcher", "Yarp.ReverseProxy.Forwarder.HttpForwarder" })
        {
            var logger = loggers.CreateLogger(category);
            Assert.False(logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information), $"{category} writes a line per request");
            Assert.True(logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning), $"{category}'s warnings are lost");
        }
        Assert.True(loggers.CreateLogger("PocDirectory.Directory").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    [Theory]
    [InlineData("4.2.0 <ana.perez@mfa.example.org>: Recipient address rejected: Greylisted", "4.2.0 <[address]>: Recipient address rejected: Greylisted")]
    [InlineData("550 5.1.1 josé.núñez@cancillería.gob.example: no such user", "550 5.1.1 [address]: no such user")]
    [InlineData("553 \"j doe\"@example.org refused; also bob+x@a.b.", "553 [address] refused; also [address]")]
    [InlineData("421 4.7.0 Try again later", "421 4.7.0 Try again later")]
    public void The_redactor_masks_every_address_in_a_mail_servers_answer_and_keeps_its_words(string answer, string logged)
    {
        var redactor = new PocDirectory.EmailAddressRedactor();

        Assert.Equal(logged, redactor.Redact(answer));
        Assert.Equal(logged.Length, redactor.GetRedactedLength(answer));
    }

    [Fact]
    public async Task A_failing_health_check_is_one_line_of_the_log_with_what_failed_and_no_stack_trace()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddDefaultHealthChecks();
        var lines = new List<(LogLevel Level, string Message, Exception? Exception)>();
        builder.Logging.ClearProviders().AddProvider(new ListLoggerProvider(lines));
        builder.Services.AddHealthChecks()
            .AddCheck("thrown", () => throw new InvalidOperationException("Connection refused"))
            .AddCheck("returned", () => HealthCheckResult.Unhealthy("database down", new TimeoutException("no answer in 5 s")))
            .AddCheck("fine", () => HealthCheckResult.Healthy("ok"));
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["thrown"].Status);
        Assert.Equal("InvalidOperationException: Connection refused", report.Entries["thrown"].Description);
        Assert.Equal("database down (TimeoutException: no answer in 5 s)", report.Entries["returned"].Description);
        Assert.Equal((HealthStatus.Healthy, "ok"), (report.Entries["fine"].Status, report.Entries["fine"].Description));
        Assert.All(report.Entries.Values, e => Assert.Null(e.Exception));
        var failures = lines.Where(l => l.Level >= LogLevel.Warning).ToList();
        Assert.Equal(2, failures.Count(l => l.Message.Contains("thrown") || l.Message.Contains("returned")));
        Assert.All(failures, l => Assert.Null(l.Exception));
        Assert.Contains(failures, l => l.Message.Contains("InvalidOperationException: Connection refused"));
        // Still what it was registered as: /alive keeps reading the "live" tag.
        var self = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single(r => r.Name == "self");
        Assert.Contains(ServiceDefaultsExtensions.LiveTag, self.Tags);
        Assert.IsType<OneLineHealthCheck>(self.Factory(host.Services));
    }

    private sealed class ListLoggerProvider(List<(LogLevel, string, Exception?)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<(LogLevel, string, Exception?)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add((logLevel, formatter(state, exception), exception));
                }
            }
        }
    }

    [Fact]
    public async Task A_failing_GET_is_retried_and_reaches_the_address_named_in_configuration()
    {
        var server = new CountingHandler(HttpStatusCode.ServiceUnavailable);
        using var host = Build(server);

        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("test").GetAsync("http://gateway/api/x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, server.Requests.Count); // the first try and three retries
        Assert.All(server.Requests, uri => Assert.Equal("http://127.0.0.1:5999/api/x", uri.ToString()));
    }

    [Fact]
    public async Task A_429_is_not_retried_and_never_opens_the_circuit_for_other_callers()
    {
        var server = new CountingHandler(HttpStatusCode.TooManyRequests);
        using var host = Build(server);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("test");

        // Far more refusals than the circuit breaker's minimum throughput: every one still reaches the server once.
        for (var i = 0; i < 150; i++)
        {
            using var response = await client.GetAsync("http://gateway/api/x");
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        }
        Assert.Equal(150, server.Requests.Count);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task A_request_that_may_have_been_applied_is_never_sent_twice(string method)
    {
        var server = new CountingHandler(HttpStatusCode.ServiceUnavailable);
        using var host = Build(server);

        using var request = new HttpRequestMessage(new HttpMethod(method), "http://gateway/api/x") { Content = new StringContent("{}") };
        var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("test").SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(server.Requests);
    }

    private static IHost Build(CountingHandler server)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:gateway:http:0"] = "http://127.0.0.1:5999",
        });
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("test").ConfigurePrimaryHttpMessageHandler(() => server);
        // The defaults wait seconds between retries; the count is what is tested here.
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options =>
        {
            options.Retry.Delay = TimeSpan.FromMilliseconds(1);
            options.Retry.BackoffType = DelayBackoffType.Constant;
            options.Retry.UseJitter = false;
        });
        return builder.Build();
    }

    [Fact]
    public async Task OpenIddicts_validation_is_not_asked_on_every_request_and_every_other_request_handler_still_is()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[AuthenticationExtensions.IssuerKey] = "http://127.0.0.1:1/";
        builder.AddTokenValidation("directory");
        builder.Services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AnswersItself>("answers-itself", null);
        await using var app = builder.Build();
        var schemes = app.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();

        Assert.IsType<ValidationOnDemand>(schemes);
        Assert.NotNull(await schemes.GetSchemeAsync(OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme));
        var asked = (await schemes.GetRequestHandlerSchemesAsync()).Select(s => s.Name).ToList();
        Assert.Equal(["answers-itself"], asked);
        Assert.Same(await schemes.GetRequestHandlerSchemesAsync(), await schemes.GetRequestHandlerSchemesAsync());
        Assert.Equal(CachedTokenHandler.SchemeName, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
    }

    private sealed class AnswersItself(Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions> options,
        ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : Microsoft.AspNetCore.Authentication.AuthenticationHandler<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions>(options, logger, encoder),
            Microsoft.AspNetCore.Authentication.IAuthenticationRequestHandler
    {
        public Task<bool> HandleRequestAsync() => Task.FromResult(false);

        protected override Task<Microsoft.AspNetCore.Authentication.AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Microsoft.AspNetCore.Authentication.AuthenticateResult.NoResult());
    }

    private sealed class CountingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!);
            }
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }
}
