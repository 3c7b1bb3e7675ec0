namespace PocDirectory.EndToEndTests;

/// <summary>One whole system shared by the tests of the "system" collection.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public RunningSystem System { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4));
        Gateway = new HttpClient { BaseAddress = System.Url(ResourceNames.Gateway), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (System is not null)
        {
            await System.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
