using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// An SMTP server that stores every message in a Maildir (Debian's python3-aiosmtpd), standing in for
/// the real mail relay: nothing leaves the machine. Like a real relay, it refuses recipients it can
/// never deliver to (those in the reserved <c>.invalid</c> top-level domain, RFC 2606, get a permanent
/// 550 at RCPT TO), and it delivers a message whose end of data it received even if the client is gone
/// before the answer (aiosmtpd alone drops what it has not yet processed when a connection closes).
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

    /// <summary>The sink's program (aiosmtpd, with a relay's manners); written beside the maildir at start.</summary>
    private const string Program = """"
        """The SMTP sink: aiosmtpd storing every message in a Maildir, behaving as a relay would.

        - It refuses recipients in the reserved .invalid top-level domain (RFC 2606) with a permanent 550.
        - It delivers a message whose end of data it received even when the client is gone right after
          (aiosmtpd alone drops what it has not processed yet when the connection closes).
        Usage: python3 pocdir_smtp_sink.py HOST PORT MAILDIR
        """
        import asyncio
        import sys

        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import SMTP


        class RefusingMailbox(Mailbox):
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                domain = address.rpartition("@")[2].lower()
                if domain == "invalid" or domain.endswith(".invalid"):
                    return "550 5.1.2 No such domain"
                envelope.rcpt_tos.append(address)
                return "250 OK"


        class DrainingSMTP(SMTP):
            def eof_received(self):
                # Finish what the client sent before it went away; the session ends at the end of the stream.
                self._reader.feed_eof()
                return True

            async def handle_exception(self, error):
                if isinstance(error, asyncio.IncompleteReadError):
                    self.transport.close()
                    return "421 Closing"
                return await super().handle_exception(error)


        async def main(host, port, maildir):
            handler = RefusingMailbox(maildir)
            server = await asyncio.get_running_loop().create_server(lambda: DrainingSMTP(handler), host, port)
            print(f"SMTP sink on {host}:{port}, Maildir {maildir}", flush=True)
            async with server:
                await server.serve_forever()


        if __name__ == "__main__":
            asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
        """";

    private string HandlerDirectory => Path.Combine(DataDirectory, "handler");

    private string ProgramPath => Path.Combine(HandlerDirectory, "pocdir_smtp_sink.py");

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var sub in new[] { "new", "cur", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(MaildirPath, sub));
        }
        Directory.CreateDirectory(HandlerDirectory);
        await File.WriteAllTextAsync(ProgramPath, Program + "\n", cancellationToken);
    }

    protected override ProcessStartInfo CreateStartInfo()
    {
        // Debian's interpreter, where python3-aiosmtpd is installed, not whatever python3 is first on PATH.
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (var a in new[] { ProgramPath, "127.0.0.1", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), MaildirPath })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["PYTHONUNBUFFERED"] = "1";
        return start;
    }

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        Probes.AnswersWithAsync(Port, null, "220", cancellationToken);
}
