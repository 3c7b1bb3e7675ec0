using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// An SMTP server that accepts every message and stores it in a Maildir (Debian's python3-aiosmtpd),
/// standing in for the real mail relay: nothing leaves the machine.
/// </summary>
public sealed class SmtpSink(ServerOptions options) : Resource(options), IResourceWithConnectionString
{
    public static Task<SmtpSink> StartAsync(ServerOptions options, CancellationToken cancellationToken) =>
        StartNewAsync(new SmtpSink(options), cancellationToken);

    public override string Url => $"smtp://127.0.0.1:{Port}";

    public string ConnectionString => Url;

    Resource IResourceWithConnectionString.Owner => this;

    /// <summary>Delivered messages land in <c>new/</c> below this folder, one file each.</summary>
    public string MaildirPath => Path.Combine(DataDirectory, "maildir");

    protected override Task PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var sub in new[] { "new", "cur", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(MaildirPath, sub));
        }
        return Task.CompletedTask;
    }

    protected override ProcessStartInfo CreateStartInfo()
    {
        // Debian's interpreter, where python3-aiosmtpd is installed, not whatever python3 is first on PATH.
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", MaildirPath })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["PYTHONUNBUFFERED"] = "1";
        return start;
    }

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        Probes.AnswersWithAsync(Port, null, "220", cancellationToken);
}
