using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using PocDirectory.AppHost;

namespace PocDirectory.UnitTests;

/// <summary>The AppHost's model, as Aspire builds it from Program.cs (nothing is started).</summary>
public sealed class AppHostModelTests : IDisposable
{
    private readonly DirectoryInfo _state = System.IO.Directory.CreateTempSubdirectory("pocdir-model-");

    public void Dispose() => _state.Delete(recursive: true);

    private async Task<DistributedApplicationModel> ModelAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(AppHostOptions), ["--state-dir", _state.FullName, .. args]);
        return new DistributedApplicationModel(builder.Resources);
    }

    private static T Resource<T>(DistributedApplicationModel model, string name) where T : IResource =>
        model.Resources.OfType<T>().Single(r => r.Name == name);

    private static IEnumerable<string> WaitsFor(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);

    [Fact]
    public async Task Every_service_waits_for_its_database_the_broker_and_the_cache()
    {
        var model = await ModelAsync();

        foreach (var (service, database) in new[]
        {
            (ResourceNames.Directory, ResourceNames.DirectoryDb), (ResourceNames.Nominations, ResourceNames.NominationsDb),
            (ResourceNames.Notifications, ResourceNames.NotificationsDb), (ResourceNames.Meetings, ResourceNames.MeetingsDb),
            (ResourceNames.Identity, ResourceNames.IdentityDb),
        })
        {
            var waits = WaitsFor(Resource<ProjectResource>(model, service)).ToList();
            Assert.Contains(database, waits);
            Assert.Contains(ResourceNames.Postgres, waits); // a database's wait is its server's
            Assert.Contains(ResourceNames.Messaging, waits);
            Assert.Contains(ResourceNames.Cache, waits);
        }
        Assert.Contains(ResourceNames.Mail, WaitsFor(Resource<ProjectResource>(model, ResourceNames.Notifications)));
        Assert.Contains(ResourceNames.Gateway, WaitsFor(Resource<ProjectResource>(model, ResourceNames.Web)));
        Assert.Contains("messaging-epmd", WaitsFor(Resource<RabbitMQServerResource>(model, ResourceNames.Messaging)));
    }

    [Fact]
    public async Task Services_listen_on_their_documented_loopback_ports_themselves()
    {
        var model = await ModelAsync();

        foreach (var (name, port) in new[] { (ResourceNames.Gateway, 18400), (ResourceNames.Web, 18401), (ResourceNames.Directory, 18411), (ResourceNames.Identity, 18415) })
        {
            var http = Resource<ProjectResource>(model, name).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
            Assert.Equal((port, port, false, "127.0.0.1"), (http.Port, http.TargetPort, http.IsProxied, http.TargetHost));
        }
        Assert.Equal(18432, Resource<PostgresServerResource>(model, ResourceNames.Postgres).Port);
        Assert.Equal(18472, Resource<RabbitMQServerResource>(model, ResourceNames.Messaging).Port);
        Assert.Equal(18475, Resource<RabbitMQServerResource>(model, ResourceNames.Messaging).ManagementPort);
        Assert.Equal(18479, Resource<RedisServerResource>(model, ResourceNames.Cache).Port);
        Assert.Equal(18425, Resource<SmtpSinkResource>(model, ResourceNames.Mail).Port);
    }

    [Fact]
    public async Task Isolated_mode_gives_every_resource_a_free_port_instead_of_the_fixed_one()
    {
        var model = await ModelAsync("--isolated");

        var ports = model.Resources.OfType<ServerResource>().Select(s => s.Port)
            .Concat(model.Resources.OfType<ProjectResource>().SelectMany(p => p.Annotations.OfType<EndpointAnnotation>().Select(e => e.Port!.Value))).ToList();
        Assert.DoesNotContain(18432, ports);
        Assert.DoesNotContain(18400, ports);
        Assert.DoesNotContain(18402, ports); // the gateway's management port too
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.Equal(Path.Combine(_state.FullName, "data", "cache"), Resource<RedisServerResource>(model, ResourceNames.Cache).DataDirectory);
    }

    [Fact]
    public async Task Connection_strings_keep_the_names_and_forms_the_services_read()
    {
        var model = await ModelAsync();

        // Each service signs in as its own user, its password a secret parameter (masked on the dashboard).
        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=directory;Password={postgres-directory-password.value};Database=directorydb",
            Resource<PostgresDatabaseResource>(model, ResourceNames.DirectoryDb).ConnectionStringExpression.ValueExpression);
        Assert.Equal("amqp://directory:{messaging-directory-password.value}@{messaging.bindings.tcp.host}:{messaging.bindings.tcp.port}/",
            Resource<ServerLoginResource>(model, "messaging-directory").ConnectionStringExpression.ValueExpression);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},user=web,password={cache-web-password.value}",
            Resource<ServerLoginResource>(model, "cache-web").ConnectionStringExpression.ValueExpression);
        // The servers' own connection strings are the operator's, for tools; no service is given one.
        Assert.Equal("amqp://operator:{messaging-operator-password.value}@{messaging.bindings.tcp.host}:{messaging.bindings.tcp.port}/",
            Resource<RabbitMQServerResource>(model, ResourceNames.Messaging).ConnectionStringExpression.ValueExpression);
        Assert.True(Resource<ParameterResource>(model, "messaging-operator-password").Secret);
        var owners = model.Resources.OfType<PostgresDatabaseResource>().Select(d => d.Owner).ToList();
        Assert.Equal(owners.Count, owners.Distinct().Count());
        Assert.Equal(5, owners.Count);
        Assert.Equal(5, Resource<RabbitMQServerResource>(model, ResourceNames.Messaging).Logins.Count);
        Assert.Equal(7, Resource<RedisServerResource>(model, ResourceNames.Cache).Logins.Count); // the five services, the gateway and the Web
        // Every password is a file of the state folder's secrets/, readable by its owner only.
        foreach (var password in model.Resources.OfType<ParameterResource>().Where(p => p.Name.EndsWith("-password", StringComparison.Ordinal)))
        {
            var file = new FileInfo(Path.Combine(_state.FullName, "secrets", password.Name));
            Assert.True(file.Exists, file.FullName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, file.UnixFileMode);
            Assert.Equal(File.ReadAllText(file.FullName), await password.GetValueAsync(CancellationToken.None));
        }
        Assert.Equal("smtp://{mail.bindings.tcp.host}:{mail.bindings.tcp.port}",
            Resource<SmtpSinkResource>(model, ResourceNames.Mail).ConnectionStringExpression.ValueExpression);
    }

    [Theory]
    [InlineData(true, "http://127.0.0.1:18488", "http://localhost:18489;http://[::1]:18491")]
    [InlineData(false, "http://0.0.0.0:18488")]
    [InlineData(false, "http://+:80")]
    [InlineData(false, "http://127.0.0.1:18488;http://dashboard.example.org:18488")]
    [InlineData(false, "http://localhost.example.org:18488")]
    public void The_dashboard_opens_without_its_token_only_when_every_address_is_a_loopback_one(bool loopback, params string[] addresses)
    {
        Assert.Equal(loopback, LocalRuntime.OnLoopbackOnly(addresses));
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
        Assert.Equal(TimeSpan.FromSeconds(seconds), CrashRestarter.Delay(previousRestarts));
    }

    [Fact]
    public async Task Dependants_stop_before_what_they_wait_for()
    {
        var model = await ModelAsync();

        var levels = OrderlyStop.StopOrder(model.Resources.Where(ResourceTable.Shown)).Select(l => l.Select(r => r.Name).ToList()).ToList();
        int Level(string name) => levels.FindIndex(l => l.Contains(name));
        Assert.True(Level(ResourceNames.Web) < Level(ResourceNames.Gateway));
        Assert.True(Level(ResourceNames.Directory) < Level(ResourceNames.Postgres));
        Assert.True(Level(ResourceNames.Messaging) < Level("messaging-epmd"));
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
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--demo" }, true)]
    public async Task The_meetings_of_the_seed_letters_are_loaded_by_the_meetings_program_only_with_demo(string[] args, bool demo)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(AppHostOptions), ["--state-dir", _state.FullName, .. args]);
        var model = new DistributedApplicationModel(builder.Resources);
        var commands = builder.Services.Where(s => s.ServiceType == typeof(LocalRuntimeSettings))
            .Select(s => s.ImplementationInstance).OfType<LocalRuntimeSettings>().Single().Commands;

        var meetings = Resource<ProjectResource>(model, ResourceNames.Meetings);
        if (demo)
        {
            // Once everything runs, after the accounts and the Directory's data set.
            Assert.Equal(["demo-accounts", "demo-directory", "demo-meetings"], commands.Select(c => c.Name));
            var seed = Assert.Single(commands, c => c.Project == meetings);
            Assert.Equal("demo-meetings", seed.Name);
            Assert.Equal(["demo", "seed"], seed.Args);
        }
        else
        {
            Assert.Empty(commands);
        }
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

    private static readonly string[] Replicable =
        [ResourceNames.Identity, ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings, ResourceNames.Gateway, ResourceNames.Web];

    [Fact]
    public async Task With_replicas_every_service_runs_that_many_times_behind_its_documented_port_on_the_orchestrators_proxy()
    {
        var model = await ModelAsync("--replicas", "3");

        foreach (var (name, port) in new[]
        {
            (ResourceNames.Gateway, 18400), (ResourceNames.Web, 18401), (ResourceNames.Directory, 18411), (ResourceNames.Nominations, 18412),
            (ResourceNames.Notifications, 18413), (ResourceNames.Meetings, 18414), (ResourceNames.Identity, 18415),
        })
        {
            var project = Resource<ProjectResource>(model, name);
            Assert.Equal(3, project.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
            var http = project.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
            // The documented port is the proxy's; each replica listens on a port the orchestrator gives it.
            Assert.Equal((port, null, true, "127.0.0.1"), (http.Port, http.TargetPort, http.IsProxied, http.TargetHost));
        }
        var management = Resource<ProjectResource>(model, ResourceNames.Gateway).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "management");
        Assert.Equal((18402, null, true), (management.Port, management.TargetPort, management.IsProxied));
    }

    [Fact]
    public async Task One_process_of_each_service_by_default()
    {
        var model = await ModelAsync();
        Assert.All(Replicable, name => Assert.DoesNotContain(Resource<ProjectResource>(model, name).Annotations.OfType<ReplicaAnnotation>(), r => r.Replicas != 1));
        Assert.Single(model.Resources.OfType<RabbitMQServerResource>());
        Assert.False(Resource<RabbitMQServerResource>(model, ResourceNames.Messaging).Clustered);
    }

    [Fact]
    public async Task Three_broker_nodes_share_one_epmd_cookie_and_users_and_every_service_waits_for_all_of_them()
    {
        var model = await ModelAsync("--broker-nodes", "3");

        var nodes = model.Resources.OfType<RabbitMQServerResource>().OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        Assert.Equal([ResourceNames.Messaging, "messaging-2", "messaging-3"], nodes.Select(n => n.Name));
        Assert.Equal([18472, 18481, 18483], nodes.Select(n => n.Port));
        Assert.Equal(3, nodes.Select(n => n.DistributionPort).Distinct().Count());
        Assert.All(nodes, n => Assert.True(n.Clustered));
        Assert.All(nodes, n => Assert.Same(nodes[0].Epmd, n.Epmd));
        Assert.All(nodes, n => Assert.Same(nodes[0].Cookie, n.Cookie));
        Assert.NotNull(nodes[0].Cookie);
        Assert.All(nodes.Skip(1), n => Assert.Same(nodes[0], n.ClusterSeed));
        Assert.All(nodes.Skip(1), n => Assert.Equal(nodes[0].Logins, n.Logins));
        Assert.All(nodes.Skip(1), n => Assert.Contains(ResourceNames.Messaging, WaitsFor(n)));
        foreach (var name in new[] { ResourceNames.Identity, ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings })
        {
            var service = Resource<ProjectResource>(model, name);
            Assert.Contains("messaging-2", WaitsFor(service));
            Assert.Contains("messaging-3", WaitsFor(service));
            var environment = await PlainEnvironmentAsync(service);
            Assert.Equal("127.0.0.1:18472,127.0.0.1:18481,127.0.0.1:18483", environment["Messaging__ClusterNodes"]);
            Assert.Equal("true", environment["Messaging__QuorumQueues"]);
        }
    }

    [Fact]
    public async Task No_service_is_told_to_record_every_trace_or_to_leave_query_strings_unredacted()
    {
        var model = await ModelAsync();
        foreach (var name in Replicable)
        {
            // As Aspire's own callback leaves them for its dashboard.
            var preset = ServiceProjectExtensions.AspireTraceDefaults.ToDictionary(n => n, n => n == "OTEL_TRACES_SAMPLER" ? "always_on" : "true");
            var environment = await PlainEnvironmentAsync(Resource<ProjectResource>(model, name), preset);
            Assert.All(ServiceProjectExtensions.AspireTraceDefaults, variable => Assert.False(environment.ContainsKey(variable), $"{name}: {variable}"));
        }
    }

    /// <summary>
    /// The variables a resource's environment callbacks set to plain text, without resolving anything (a value that
    /// names an endpoint would wait for the orchestrator to allocate it, which never happens here).
    /// </summary>
    private static async Task<Dictionary<string, string>> PlainEnvironmentAsync(IResource resource, IReadOnlyDictionary<string, string>? preset = null)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var (key, value) in preset ?? new Dictionary<string, string>())
        {
            context.EnvironmentVariables[key] = value;
        }
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            try
            {
                await callback.Callback(context);
            }
            catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException)
            {
                // a callback that needs the running application's services: not one of these
            }
        }
        return context.EnvironmentVariables.Where(e => e.Value is string).ToDictionary(e => e.Key, e => (string)e.Value);
    }

    [Theory]
    [InlineData("--replicas", "0", "from 1 to 8")]
    [InlineData("--replicas", "9", "from 1 to 8")]
    [InlineData("--replicas", "two", "from 1 to 8")]
    [InlineData("--broker-nodes", "2", "1 or 3")]
    [InlineData("--broker-nodes", "5", "1 or 3")]
    public void A_replica_count_or_a_broker_size_out_of_range_is_refused(string option, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => AppHostOptions.Parse([option, value]));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_state_folder_keeps_the_broker_shape_it_was_made_with()
    {
        var state = _state.CreateSubdirectory("shape").FullName;
        var single = AppHostOptions.Parse(["--state-dir", state]);
        var cluster = AppHostOptions.Parse(["--state-dir", state, "--broker-nodes", "3"]);
        var brokerData = Path.Combine(state, "data", ResourceNames.Messaging, "mnesia", "rabbit18472@localhost");

        // No broker data yet (a first start that failed early, say): any shape.
        Assert.True(StateFolder.BrokerShapeKept(cluster));
        Assert.True(StateFolder.BrokerShapeKept(single));
        System.IO.Directory.CreateDirectory(brokerData);
        Assert.True(StateFolder.BrokerShapeKept(single)); // again: the same shape
        Assert.False(StateFolder.BrokerShapeKept(cluster));
        Assert.Equal("1", File.ReadAllText(Path.Combine(state, "data", "broker-nodes")));

        // A folder from before the marker, with a broker's data: it was one node.
        File.Delete(Path.Combine(state, "data", "broker-nodes"));
        Assert.False(StateFolder.BrokerShapeKept(cluster));

        var clustered = _state.CreateSubdirectory("clustered").FullName;
        Assert.True(StateFolder.BrokerShapeKept(AppHostOptions.Parse(["--state-dir", clustered, "--broker-nodes", "3"])));
        System.IO.Directory.CreateDirectory(Path.Combine(clustered, "data", ResourceNames.Messaging, "mnesia", "rabbit18472@localhost"));
        Assert.True(StateFolder.BrokerShapeKept(AppHostOptions.Parse(["--state-dir", clustered, "--broker-nodes", "3"])));
        Assert.False(StateFolder.BrokerShapeKept(AppHostOptions.Parse(["--state-dir", clustered])));
    }
}
