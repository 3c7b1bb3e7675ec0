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

    public async Task InitializeAsync()
    {
        System = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), Telemetry.Environment);
        Gateway = new HttpClient { BaseAddress = System.Url(ResourceNames.Gateway), Timeout = TimeSpan.FromSeconds(30) };
    }

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
