using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// An SMTP server that stores every message in a Maildir (Debian's python3-aiosmtpd), standing in for
/// the real mail relay: nothing leaves the machine. Like a real relay, it refuses recipients it can
/// never deliver to: those in the reserved <c>.invalid</c> top-level domain (RFC 2606) get a permanent
/// 550 at RCPT TO.
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

    /// <summary>aiosmtpd's Maildir handler, refusing the <c>.invalid</c> domain; written beside the maildir at start.</summary>
    private const string Handler = """
        from aiosmtpd.handlers import Mailbox


        class RefusingMailbox(Mailbox):
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                domain = address.rpartition("@")[2].lower()
                if domain == "invalid" or domain.endswith(".invalid"):
                    return "550 5.1.2 No such domain"
                envelope.rcpt_tos.append(address)
                return "250 OK"
        """;

    private string HandlerDirectory => Path.Combine(DataDirectory, "handler");

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var sub in new[] { "new", "cur", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(MaildirPath, sub));
        }
        Directory.CreateDirectory(HandlerDirectory);
        await File.WriteAllTextAsync(Path.Combine(HandlerDirectory, "pocdir_smtp_sink.py"), Handler + "\n", cancellationToken);
    }

    protected override ProcessStartInfo CreateStartInfo()
    {
        // Debian's interpreter, where python3-aiosmtpd is installed, not whatever python3 is first on PATH.
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "pocdir_smtp_sink.RefusingMailbox", MaildirPath })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["PYTHONUNBUFFERED"] = "1";
        start.Environment["PYTHONPATH"] = HandlerDirectory;
        return start;
    }

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        Probes.AnswersWithAsync(Port, null, "220", cancellationToken);
}
