"""The SMTP sink: aiosmtpd storing every message in a Maildir, behaving as a relay would.

- It refuses recipients in the reserved .invalid top-level domain (RFC 2606) with a permanent 550.
- It delivers a message whose end of data it received even when the client is gone right after
  (aiosmtpd alone drops what it has not processed yet when the connection closes).
- It takes a quarter of a second to accept a message for the slow.example.org domain, as a distant
  server would: sending to such addresses takes long enough to be interrupted in the middle. (A client
  that resets its connection during that quarter second, instead of closing it, may cancel the message;
  MailKit closes, having read every answer before.)
Usage: python3 smtp_sink.py HOST PORT MAILDIR
"""
import asyncio
import signal
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

    async def handle_DATA(self, server, session, envelope):
        if any(a.rpartition("@")[2].lower() == "slow.example.org" for a in envelope.rcpt_tos):
            await asyncio.sleep(0.25)
        return await super().handle_DATA(server, session, envelope)


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
    # A stop asked for (SIGTERM, SIGINT) ends with exit code 0: only a crash is restarted.
    stopping = asyncio.Event()
    for stop in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(stop, stopping.set)
    async with server:
        await stopping.wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
