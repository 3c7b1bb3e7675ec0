using PocDirectory;
using PocDirectory.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// Servers, on fixed loopback ports (none a default port); --isolated picks free ones.
var postgres = builder.AddPostgres(ResourceNames.Postgres, port: 18432);
var directoryDb = postgres.AddDatabase(ResourceNames.DirectoryDb);
var nominationsDb = postgres.AddDatabase(ResourceNames.NominationsDb);
var notificationsDb = postgres.AddDatabase(ResourceNames.NotificationsDb);
var meetingsDb = postgres.AddDatabase(ResourceNames.MeetingsDb);
var identityDb = postgres.AddDatabase(ResourceNames.IdentityDb);
var messaging = builder.AddRabbitMQ(ResourceNames.Messaging, port: 18472).WithManagementPlugin(port: 18475);
var cache = builder.AddRedis(ResourceNames.Cache, port: 18479);
var mail = builder.AddSmtpSink(ResourceNames.Mail, port: 18425);

// Services, each with its own database. None waits for another: they never call each other, and a
// service whose copy of the Member States is empty keeps asking the Directory until it answers.
var identity = builder.AddProject(ResourceNames.Identity, "services/Identity/PocDirectory.Identity.csproj", port: 18415)
    .WithReference(identityDb).WithReference(messaging).WithReference(cache)
    .WaitFor(identityDb).WaitFor(messaging).WaitFor(cache);

var directory = builder.AddProject(ResourceNames.Directory, "services/Directory/PocDirectory.Directory.csproj", port: 18411)
    .WithReference(directoryDb).WithReference(messaging).WithReference(cache)
    .WaitFor(directoryDb).WaitFor(messaging).WaitFor(cache);

var nominations = builder.AddProject(ResourceNames.Nominations, "services/Nominations/PocDirectory.Nominations.csproj", port: 18412)
    .WithReference(nominationsDb).WithReference(messaging).WithReference(cache)
    .WaitFor(nominationsDb).WaitFor(messaging).WaitFor(cache);

var notifications = builder.AddProject(ResourceNames.Notifications, "services/Notifications/PocDirectory.Notifications.csproj", port: 18413)
    .WithReference(notificationsDb).WithReference(messaging).WithReference(cache).WithReference(mail)
    .WaitFor(notificationsDb).WaitFor(messaging).WaitFor(cache).WaitFor(mail);

var meetings = builder.AddProject(ResourceNames.Meetings, "services/Meetings/PocDirectory.Meetings.csproj", port: 18414)
    .WithReference(meetingsDb).WithReference(messaging).WithReference(cache)
    .WaitFor(meetingsDb).WaitFor(messaging).WaitFor(cache);

// The only public entry, and the front end behind it. The gateway starts beside the services instead
// of after them: it must answer a service that is away (restarting, say) with a clean 502 anyway.
var gateway = builder.AddProject(ResourceNames.Gateway, "services/Gateway/PocDirectory.Gateway.csproj", port: 18400)
    .WithReference(directory).WithReference(nominations).WithReference(notifications)
    .WithReference(meetings).WithReference(identity).WithReference(cache);

// Tokens are issued and checked under the gateway's address, the one public origin. Browsers reach
// it as "localhost" (it listens on 127.0.0.1): passkeys (WebAuthn) need a domain name as their
// relying party, and a browser refuses an IP address there.
var publicOrigin = $"http://localhost:{gateway.Port}/";
gateway.WithEnvironment("Authentication__Issuer", publicOrigin);
foreach (var service in new[] { identity, directory, nominations, notifications, meetings })
{
    service.WithReference(gateway).WithEnvironment("Authentication__Issuer", publicOrigin);
}

// The Web signs people in at Identity as a confidential client; its secret is made for this state folder.
var webClientSecret = builder.AddGeneratedSecret("web-client-secret");
var web = builder.AddProject(ResourceNames.Web, "services/Web/PocDirectory.Web.csproj", port: 18401)
    .WithReference(gateway).WithReference(identity).WithReference(cache)
    .WithEnvironment("Authentication__ClientSecret", webClientSecret)
    .WithEnvironment("Authentication__Issuer", publicOrigin)
    .WaitFor(gateway).WaitFor(cache);
identity.WithReference(web).WithEnvironment("Identity__WebClientSecret", webClientSecret);
// E-mailed links open the Web's pages: a nominee's confirmation, a ping test's acknowledgement.
nominations.WithReference(web);
directory.WithReference(web);

// ./run.sh --demo: the invented data set, added through the services' own programs once everything runs.
if (builder.Options.Demo)
{
    builder.AddStartupCommand("demo-accounts", identity,
        "demo", "accounts", "--out", Path.Combine(builder.Options.StateDirectory, "demo-accounts.json"));
    builder.AddStartupCommand("demo-directory", nominations,
        "demo", "seed", "--pocs-per-state", builder.Options.DemoPocsPerState.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

return await builder.Build().RunAsync();
