using Microsoft.Extensions.Configuration;
using PocDirectory;
using PocDirectory.AppHost;

var options = AppHostOptions.ParseOrExit(args);
if (!options.Publishing && !StateFolder.Take(options))
{
    return 1;
}
var builder = DistributedApplication.CreateBuilder(options.AspireOptions([.. options.AspireArgs]));
// Publishing the deployment manifest runs nothing: no state folder, no watchers.
var local = options.Publishing ? new LocalRuntimeSettings() : builder.AddLocalRuntime(options);
var data = options.DataDirectory;
// --replicas N: N processes of every service, of the gateway and of the Web (a deployment sets its own counts).
var replicas = options.Publishing ? 1 : options.Replicas;

// Every secret (a key, a server user's password) is made once for this state folder, in .pocdir/secrets/.
if (!options.Publishing)
{
    builder.Configuration[ServerPasswords.SecretsDirectorySetting] = StateFolder.SecretsDirectory(options);
}

// Servers from Debian's packages, on fixed loopback ports (none a default port); --isolated picks free ones.
// Every client signs in as a user of its own.
// Each replica keeps a pool of its own: room for as many pools as there are replicas.
var postgres = builder.AddPostgresServer(ResourceNames.Postgres, options.Port(18432), Path.Combine(data, ResourceNames.Postgres), maxConnections: 200 * replicas);
var directoryDb = postgres.AddDatabase(ResourceNames.DirectoryDb, owner: ResourceNames.Directory);
var nominationsDb = postgres.AddDatabase(ResourceNames.NominationsDb, owner: ResourceNames.Nominations);
var notificationsDb = postgres.AddDatabase(ResourceNames.NotificationsDb, owner: ResourceNames.Notifications);
var meetingsDb = postgres.AddDatabase(ResourceNames.MeetingsDb, owner: ResourceNames.Meetings);
var identityDb = postgres.AddDatabase(ResourceNames.IdentityDb, owner: ResourceNames.Identity);
var messaging = builder.AddRabbitMQServer(ResourceNames.Messaging, options.Port(18472), distributionPort: options.Port(18473),
        epmdPort: options.Port(18474), Path.Combine(data, ResourceNames.Messaging))
    .WithManagementPlugin(options.Port(18475));
// --broker-nodes 3: two more nodes on loopback joined to the first as one cluster; the services connect to all
// three and declare quorum queues, so that a node lost loses no message (WithLogins). Added before the services.
var brokerNodes = new List<IResourceBuilder<RabbitMQServerResource>>();
if (options.BrokerNodes == 3 && !options.Publishing)
{
    brokerNodes.Add(messaging.AddClusterNode($"{ResourceNames.Messaging}-2", options.Port(18481), options.Port(18482), Path.Combine(data, $"{ResourceNames.Messaging}-2")));
    brokerNodes.Add(messaging.AddClusterNode($"{ResourceNames.Messaging}-3", options.Port(18483), options.Port(18484), Path.Combine(data, $"{ResourceNames.Messaging}-3")));
}
var cache = builder.AddRedisServer(ResourceNames.Cache, options.Port(18479), Path.Combine(data, ResourceNames.Cache));
var mail = builder.AddSmtpSink(ResourceNames.Mail, options.Port(18425), Path.Combine(data, ResourceNames.Mail));

// The operations team's monitoring (a run's own; a deployment's operators bring theirs, with the same rules):
// Prometheus scrapes every service and server, through Debian's exporters for PostgreSQL and Redis and RabbitMQ's
// own plugin, evaluates deploy/monitoring/alert-rules.yml, and Alertmanager e-mails what fires through the sink.
IResourceBuilder<PrometheusResource>? prometheus = null;
if (!options.Publishing)
{
    postgres.AddExporter(options.Port(18496));
    cache.AddExporter(options.Port(18497));
    messaging.WithPrometheusPlugin(options.Port(18476));
    // Each node of a cluster reports the queues it leads: every node is scraped.
    int[] nodePrometheusPorts = [18485, 18486];
    foreach (var (node, port) in brokerNodes.Zip(nodePrometheusPorts))
    {
        node.WithPrometheusPlugin(options.Port(port));
    }
    builder.AddAlertmanager(ResourceNames.Alertmanager, options.Port(18495), Path.Combine(data, ResourceNames.Alertmanager), mail,
        builder.Configuration["Monitoring:OperationsAddress"] ?? "operations@example.org");
    prometheus = builder.AddPrometheus(ResourceNames.Prometheus, options.Port(18494), Path.Combine(data, ResourceNames.Prometheus),
        Path.Combine(RepositoryPaths.FindRoot(), "deploy", "monitoring", "alert-rules.yml"),
        builder.Configuration.GetValue("Monitoring:ScrapeInterval", TimeSpan.FromSeconds(15)));
}

// Services, each with its own database. None waits for another: they never call each other, and a
// service whose copy of the Member States is empty keeps asking the Directory until it answers.
var identity = builder.AddService<Projects.PocDirectory_Identity>(ResourceNames.Identity, options.Port(18415), replicas: replicas)
    .WithReference(identityDb).WithLogins(messaging, cache, ResourceNames.Identity)
    .WaitFor(identityDb).WaitFor(messaging).WaitFor(cache);

var directory = builder.AddService<Projects.PocDirectory_Directory>(ResourceNames.Directory, options.Port(18411), replicas: replicas)
    .WithReference(directoryDb).WithLogins(messaging, cache, ResourceNames.Directory)
    .WaitFor(directoryDb).WaitFor(messaging).WaitFor(cache);

var nominations = builder.AddService<Projects.PocDirectory_Nominations>(ResourceNames.Nominations, options.Port(18412), replicas: replicas)
    .WithReference(nominationsDb).WithLogins(messaging, cache, ResourceNames.Nominations)
    .WaitFor(nominationsDb).WaitFor(messaging).WaitFor(cache);

var notifications = builder.AddService<Projects.PocDirectory_Notifications>(ResourceNames.Notifications, options.Port(18413), replicas: replicas)
    .WithReference(notificationsDb).WithLogins(messaging, cache, ResourceNames.Notifications).WithReference(mail)
    .WaitFor(notificationsDb).WaitFor(messaging).WaitFor(cache).WaitFor(mail);

var meetings = builder.AddService<Projects.PocDirectory_Meetings>(ResourceNames.Meetings, options.Port(18414), replicas: replicas)
    .WithReference(meetingsDb).WithLogins(messaging, cache, ResourceNames.Meetings)
    .WaitFor(meetingsDb).WaitFor(messaging).WaitFor(cache);

// The only public entry, and the front end behind it. The gateway starts beside the services instead
// of after them: it must answer a service that is away (restarting, say) with a clean 502 anyway.
local.GatewayPort = options.Port(18400);
var gateway = builder.AddService<Projects.PocDirectory_Gateway>(ResourceNames.Gateway, local.GatewayPort, managementPort: options.Port(18402), replicas: replicas)
    .WithReference(directory).WithReference(nominations).WithReference(notifications)
    .WithReference(meetings).WithReference(identity).WithReference(cache.AddLogin(ResourceNames.Gateway), ResourceNames.Cache)
    .WaitFor(cache);

// Tokens are issued and checked under the gateway's address, the one public origin. Browsers reach
// it as "localhost" (it listens on 127.0.0.1): passkeys (WebAuthn) need a domain name as their
// relying party, and a browser refuses an IP address there.
var publicOrigin = builder.AddParameter("public-origin", ResourceTable.PublicOrigin(local.GatewayPort), publishValueAsDefault: false);
gateway.WithEnvironment("Authentication__Issuer", publicOrigin);
foreach (var service in new[] { identity, directory, nominations, notifications, meetings })
{
    service.WithReference(gateway.GetEndpoint("http")).WithEnvironment("Authentication__Issuer", publicOrigin);
}

// The Web signs people in at Identity as a confidential client; its secret is made for this state folder.
var webClientSecret = builder.AddStateSecret("web-client-secret");
local.WebPort = options.Port(18401);
var web = builder.AddService<Projects.PocDirectory_Web>(ResourceNames.Web, local.WebPort, managementPort: options.Port(18403), replicas: replicas)
    .WithReference(gateway.GetEndpoint("http")).WithReference(identity).WithReference(cache.AddLogin(ResourceNames.Web), ResourceNames.Cache)
    .WithEnvironment("Authentication__ClientSecret", webClientSecret)
    .WithEnvironment("Authentication__Issuer", publicOrigin)
    .WaitFor(gateway).WaitFor(cache);
identity.WithReference(web.GetEndpoint("http")).WithEnvironment("Identity__WebClientSecret", webClientSecret);
if (prometheus is not null)
{
    web.WithReference(prometheus); // the Operations page's figures
}
// The Web names each browser to the gateway under a key only the two hold (ForwardedClient): limits per browser, not one for the Web.
var forwardedClientKey = builder.AddStateSecret("forwarded-client-key");
web.WithEnvironment("ForwardedClient__Key", forwardedClientKey);
gateway.WithEnvironment("ForwardedClient__Key", forwardedClientKey);
// Every message body on the broker is sealed under a key RabbitMQ does not hold (SealedJsonSerializer).
var messagingKey = builder.AddStateSecret("messaging-key");
foreach (var service in new[] { identity, directory, nominations, notifications, meetings })
{
    service.WithEnvironment("Messaging__Key", messagingKey);
}
// Keys kept in identitydb (token signing, data protection) and the Web's data-protection keys in Redis
// are sealed under a key-encryption key of each service that neither the database nor Redis holds.
identity.WithEnvironment("KeyEncryption__Key", builder.AddStateSecret("identity-key-encryption-key"));
web.WithEnvironment("KeyEncryption__Key", builder.AddStateSecret("web-key-encryption-key"));
// The audit log is keyed with a key identitydb does not hold, and checkpointed outside it (AuditCheckpointWriter).
if (!options.Publishing)
{
    identity.WithEnvironment("Audit__CheckpointFile", Path.Combine(options.StateDirectory, "audit", "checkpoints.jsonl"));
}
identity.WithEnvironment("Audit__ChainKey", builder.AddStateSecret("audit-chain-key"));
// E-mailed links open the Web's pages (references name the public endpoints: no service calls a management port): a nominee's confirmation,
// a ping test's acknowledgement, a letter's acknowledgement and archive page, a meeting's page.
nominations.WithReference(web.GetEndpoint("http"));
directory.WithReference(web.GetEndpoint("http"));
meetings.WithReference(web.GetEndpoint("http"));
if (options.Publishing)
{
    // In a deployment people reach the Web under its public https name, not the in-cluster service
    // name: sign-in's redirect and every e-mailed link use it.
    var webPublicOrigin = builder.AddParameter("web-public-origin");
    foreach (var service in new[] { identity, nominations, directory, meetings })
    {
        service.WithEnvironment("Web__PublicOrigin", webPublicOrigin);
    }
}
// The two public entries (their http endpoints, not their management ones); everything else is
// reached only from inside (a cluster's network policies).
gateway.WithEndpoint("http", e => e.IsExternal = true);
web.WithEndpoint("http", e => e.IsExternal = true);

// ./run.sh --demo: the invented data set, added through the services' own programs once everything runs.
if (options.Demo)
{
    local.Commands.Add(new StartupCommand("demo-accounts", identity.Resource,
        ["demo", "accounts", "--out", Path.Combine(options.StateDirectory, "demo-accounts.json")]));
    local.Commands.Add(new StartupCommand("demo-directory", nominations.Resource,
        ["demo", "seed", "--pocs-per-state", options.DemoPocsPerState.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
    // The meetings of the Chair's three seed letters, as the letters give them.
    local.Commands.Add(new StartupCommand("demo-meetings", meetings.Resource, ["demo", "seed"]));
}

await builder.Build().RunAsync();
if (options.KubernetesOutput is { } kubernetes && options.AspireArgs.SkipWhile(a => a != "--output-path").Skip(1).FirstOrDefault() is { } manifest)
{
    foreach (var file in KubernetesManifests.Write(Path.GetFullPath(manifest), kubernetes))
    {
        Console.WriteLine($"Wrote {file}");
    }
}
return Environment.ExitCode;
