namespace PocDirectory.EndToEndTests;

/// <summary>
/// One whole system shared by the tests of the "system" collection, exporting its telemetry over
/// OTLP to a receiver of the fixture's, as it would to a collector.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public RunningSystem System { get; private set; } = null!;

    public OtlpReceiver Telemetry { get; } = new();

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>Every socket of every process of the system, for as long as it runs.</summary>
    public SocketWatch Sockets { get; private set; } = null!;

    /// <summary>A CERT tool of France with every read scope.</summary>
    public MachineClient Client { get; private set; } = null!;

    public const string AllReadScopes = "directory.read nominations.read notifications.read meetings.read";

    public async Task InitializeAsync()
    {
        // Identity checks its sign-in sessions every 5 s instead of every minute, so that every browser
        // flow here goes through those checks (which must keep how the person signed in). E-mails a
        // killed Notifications had claimed are due again after 10 s instead of 30.
        System = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4),
            new Dictionary<string, string>(Telemetry.Environment) { ["SignIn__SessionCheckSeconds"] = "5", ["Email__Lease"] = "00:00:10",
                // Silence and a round of applications may be as short as a test needs, and their deadlines are looked for every second.
                ["Meetings__SilenceMinimumHours"] = "0", ["Meetings__SilenceCheckSeconds"] = "1", ["Meetings__AccreditationMinimumHours"] = "0",
                // Every test here sends its applications for accreditation from this one address: the limit per address is not what they test.
                ["RateLimiting__PublicFormPermitsPerMinute"] = "1000",
                // Prometheus scrapes and evaluates every 5 s instead of 15: an alert's minute is a minute and a few seconds.
                ["Monitoring__ScrapeInterval"] = "00:00:05",
                // The services count their rows for the operations team's gauges every 2 s instead of 15.
                ["Metrics__CountSeconds"] = "2",
            });
        Telemetry.ForwardTo = System.DashboardOtlpHttp;
        Sockets = new SocketWatch(System.AppHostPid);
        Gateway = new HttpClient { BaseAddress = System.Url(ResourceNames.Gateway), Timeout = TimeSpan.FromSeconds(30) };
        Client = await MachineClient.CreateAsync(System, "e2e-cert-fra", "FRA", AllReadScopes.Replace(' ', ','));
    }

    private readonly Dictionary<string, (string Token, DateTime Until)> _tokens = [];

    /// <summary>
    /// A token of <see cref="Client"/>, reused for a few minutes like a real client would: the token
    /// endpoint allows a client address only so many requests a minute.
    /// </summary>
    public async Task<string> TokenAsync(string scope = AllReadScopes, bool fresh = false)
    {
        lock (_tokens)
        {
            if (!fresh && _tokens.TryGetValue(scope, out var cached) && cached.Until > DateTime.UtcNow)
            {
                return cached.Token;
            }
        }
        var token = await Client.AccessTokenAsync(Gateway, scope);
        lock (_tokens)
        {
            _tokens[scope] = (token, DateTime.UtcNow.AddMinutes(5));
        }
        return token;
    }

    public async Task DisposeAsync()
    {
        Sockets?.Dispose();
        Gateway?.Dispose();
        if (System is not null)
        {
            await System.DisposeAsync();
        }
        Telemetry.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
