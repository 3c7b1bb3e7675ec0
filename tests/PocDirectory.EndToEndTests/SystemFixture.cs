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

    /// <summary>A CERT tool of France with every read scope.</summary>
    public MachineClient Client { get; private set; } = null!;

    public const string AllReadScopes = "directory.read nominations.read notifications.read meetings.read";

    public async Task InitializeAsync()
    {
        System = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), Telemetry.Environment);
        Gateway = new HttpClient { BaseAddress = System.Url(ResourceNames.Gateway), Timeout = TimeSpan.FromSeconds(30) };
        Client = await MachineClient.CreateAsync(System, "e2e-cert-fra", "FRA", AllReadScopes.Replace(' ', ','));
    }

    /// <summary>A fresh token of <see cref="Client"/> with every read scope.</summary>
    public Task<string> TokenAsync(string scope = AllReadScopes) => Client.AccessTokenAsync(Gateway, scope);

    public async Task DisposeAsync()
    {
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
