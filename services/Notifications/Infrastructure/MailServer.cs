namespace PocDirectory.Notifications.Infrastructure;

/// <summary>The SMTP server's address, <c>ConnectionStrings__mail</c> as <c>smtp://host:port</c>: read one way by the sender and its health check.</summary>
public static class MailServer
{
    public static readonly string Expected = $"ConnectionStrings__{ResourceNames.Mail} must be smtp://host:port.";

    public static bool TryGet(IConfiguration configuration, out Uri server) =>
        Uri.TryCreate(configuration.GetConnectionString(ResourceNames.Mail), UriKind.Absolute, out server!) && server.Scheme == "smtp";
}
