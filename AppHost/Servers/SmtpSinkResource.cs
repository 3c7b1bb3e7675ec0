namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The SMTP server standing in for the mail relay (Debian's python3-aiosmtpd; <c>smtp_sink.py</c>):
/// every message lands in a Maildir and nothing leaves the machine.
/// </summary>
public sealed class SmtpSinkResource(string name, string command, string dataDirectory, int port)
    : ServerResource(name, command, dataDirectory, port)
{
    /// <summary>Delivered messages land in <c>new/</c> below this folder, one file each.</summary>
    public string MaildirPath => Path.Combine(DataDirectory, "maildir");

    public override ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"smtp://{HostAndPort}");
}
