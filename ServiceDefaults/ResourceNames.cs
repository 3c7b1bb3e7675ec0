namespace PocDirectory;

/// <summary>
/// Names of the AppHost's resources. Services read <c>ConnectionStrings__{name}</c> and
/// <c>services__{name}__http__0</c> with these names, so each is written once, here.
/// This file is compiled into ServiceDefaults and, as an internal copy, into the AppHost, which must
/// not depend on the services' libraries.
/// </summary>
#if RESOURCE_NAMES_INTERNAL
internal
#else
public
#endif
static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string DirectoryDb = "directorydb";
    public const string NominationsDb = "nominationsdb";
    public const string NotificationsDb = "notificationsdb";
    public const string MeetingsDb = "meetingsdb";
    public const string IdentityDb = "identitydb";

    /// <summary>RabbitMQ; the connection string is an amqp:// URI.</summary>
    public const string Messaging = "messaging";

    /// <summary>Redis; the connection string is host:port.</summary>
    public const string Cache = "cache";

    /// <summary>The SMTP server; the connection string is smtp://host:port.</summary>
    public const string Mail = "mail";

    public const string Directory = "directory";
    public const string Nominations = "nominations";
    public const string Notifications = "notifications";
    public const string Meetings = "meetings";
    public const string Identity = "identity";
    public const string Gateway = "gateway";
    public const string Web = "web";

    /// <summary>Prometheus, which scrapes every service and server and evaluates the alert rules.</summary>
    public const string Prometheus = "prometheus";

    /// <summary>Alertmanager, which e-mails the operations team what fires.</summary>
    public const string Alertmanager = "alertmanager";
}
