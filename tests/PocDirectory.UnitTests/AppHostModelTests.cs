using PocDirectory.AppHost.Hosting;

namespace PocDirectory.UnitTests;

public sealed class AppHostModelTests
{
    private static AppHostOptions Options(bool isolated = false) => new()
    {
        RepositoryRoot = "/repo",
        StateDirectory = "/repo/.pocdir",
        Configuration = "Release",
        Isolated = isolated,
        EchoToConsole = false,
    };

    [Fact]
    public void Resources_start_after_what_they_wait_for()
    {
        var builder = DistributedApplicationBuilder.Create(Options());
        var web = builder.AddProject("web", "services/Web/PocDirectory.Web.csproj", 18401);
        var gateway = builder.AddProject("gateway", "services/Gateway/PocDirectory.Gateway.csproj", 18400);
        var postgres = builder.AddPostgres("postgres", 18432);
        var db = postgres.AddDatabase("directorydb");
        var directory = builder.AddProject("directory", "services/Directory/PocDirectory.Directory.csproj", 18411).WaitFor(db);
        web.WaitFor(gateway);
        gateway.WaitFor(directory);

        var order = DistributedApplicationBuilder.StartOrder(builder.Resources).Select(r => r.Name).ToList();

        Assert.True(order.IndexOf("postgres") < order.IndexOf("directory"));
        Assert.True(order.IndexOf("directory") < order.IndexOf("gateway"));
        Assert.True(order.IndexOf("gateway") < order.IndexOf("web"));
    }

    [Fact]
    public void A_wait_cycle_is_rejected_with_the_cycle_named()
    {
        var builder = DistributedApplicationBuilder.Create(Options());
        var a = builder.AddProject("a", "a/a.csproj", 1001);
        var b = builder.AddProject("b", "b/b.csproj", 1002);
        a.WaitFor(b);
        b.WaitFor(a);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("a -> b -> a", error.Message);
    }

    [Fact]
    public void Two_resources_cannot_share_a_name()
    {
        var builder = DistributedApplicationBuilder.Create(Options());
        builder.AddRedis("cache", 18479);
        Assert.Throws<InvalidOperationException>(() => builder.AddRedis("cache", 18480));
    }

    [Fact]
    public void A_service_gets_its_configuration_the_way_Aspire_gives_it()
    {
        var builder = DistributedApplicationBuilder.Create(Options());
        var postgres = builder.AddPostgres("postgres", 18432);
        var db = postgres.AddDatabase("directorydb");
        var rabbit = builder.AddRabbitMQ("messaging", 18472);
        var cache = builder.AddRedis("cache", 18479);
        var directory = builder.AddProject("directory", "services/Directory/PocDirectory.Directory.csproj", 18411)
            .WithReference(db).WithReference(rabbit).WithReference(cache);
        var gateway = builder.AddProject("gateway", "services/Gateway/PocDirectory.Gateway.csproj", 18400)
            .WithReference(directory).WithEnvironment("RateLimiting__PermitsPerMinute", "60");

        var env = directory.BuildEnvironment();
        Assert.Equal("Host=127.0.0.1;Port=18432;Username=postgres;Database=directorydb", env["ConnectionStrings__directorydb"]);
        Assert.Equal("amqp://guest:guest@127.0.0.1:18472/", env["ConnectionStrings__messaging"]);
        Assert.Equal("127.0.0.1:18479", env["ConnectionStrings__cache"]);
        Assert.Equal("http://127.0.0.1:18411", env["ASPNETCORE_URLS"]);
        Assert.Equal("directory", env["OTEL_SERVICE_NAME"]);
        var gatewayEnv = gateway.BuildEnvironment();
        Assert.Equal("http://127.0.0.1:18411", gatewayEnv["services__directory__http__0"]);
        Assert.Equal("60", gatewayEnv["RateLimiting__PermitsPerMinute"]);
        Assert.Equal("/repo/services/Directory/bin/Release/net10.0/PocDirectory.Directory.dll", directory.AssemblyPath);
    }

    [Fact]
    public void Isolated_mode_gives_every_resource_a_free_port_instead_of_the_fixed_one()
    {
        var builder = DistributedApplicationBuilder.Create(Options(isolated: true));
        var redis = builder.AddRedis("cache", 18479);
        var web = builder.AddProject("web", "services/Web/PocDirectory.Web.csproj", 18401);

        Assert.NotEqual(18479, redis.Port);
        Assert.NotEqual(18401, web.Port);
        Assert.NotEqual(redis.Port, web.Port);
        Assert.Equal("/repo/.pocdir/data/cache", redis.DataDirectory);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(4, 16)]
    [InlineData(5, 30)]
    [InlineData(50, 30)]
    public void Restarts_back_off_exponentially_up_to_30_seconds(int previousRestarts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Resource.RestartDelay(previousRestarts));
    }

    [Theory]
    [InlineData(new[] { "--reset", "--isolated" }, true, true, "Debug")]
    [InlineData(new[] { "--configuration", "Release" }, false, false, "Release")]
    public void The_command_line_is_understood(string[] args, bool reset, bool isolated, string configuration)
    {
        var options = AppHostOptions.Parse(args.Append("--state-dir").Append("/tmp/state").Append("-c").Append(configuration).ToArray());
        Assert.Equal((reset, isolated, configuration, "/tmp/state"), (options.Reset, options.Isolated, options.Configuration, options.StateDirectory));
    }

    [Fact]
    public void The_state_folder_is_the_repository_one_unless_isolated()
    {
        var normal = AppHostOptions.Parse([]);
        var isolated = AppHostOptions.Parse(["--isolated"]);
        var another = AppHostOptions.Parse(["--isolated"]);

        Assert.Equal(Path.Combine(normal.RepositoryRoot, ".pocdir"), normal.StateDirectory);
        Assert.StartsWith(Path.GetTempPath(), isolated.StateDirectory);
        Assert.NotEqual(isolated.StateDirectory, another.StateDirectory);
    }

    [Theory]
    [InlineData(new string[0], false, 2)]
    [InlineData(new[] { "--demo" }, true, 2)]
    [InlineData(new[] { "--demo-pocs-per-state", "52" }, true, 52)]
    public void The_demo_data_set_is_asked_for_with_its_size(string[] args, bool demo, int perState)
    {
        var options = AppHostOptions.Parse(args);
        Assert.Equal((demo, perState), (options.Demo, options.DemoPocsPerState));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("201")]
    [InlineData("many")]
    public void A_demo_size_outside_2_to_200_is_refused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => AppHostOptions.Parse(["--demo-pocs-per-state", value]));
        Assert.Contains("from 2 to 200", error.Message);
    }

    [Fact]
    public void An_unknown_option_is_refused_with_the_usage()
    {
        var error = Assert.Throws<ArgumentException>(() => AppHostOptions.Parse(["--frobnicate"]));
        Assert.Contains("--frobnicate", error.Message);
        Assert.Contains("Usage:", error.Message);
    }
}
