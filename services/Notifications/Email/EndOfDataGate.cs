namespace PocDirectory.Notifications.Email;

/// <summary>
/// The SMTP connection's stream, holding the last byte of each message's data (the end of the line with
/// a single dot) between two steps: <see cref="BeforeEndOfData"/> runs just before it is written, and
/// <see cref="AfterEndOfData"/> just after, all synchronously, nothing awaited between them. A server
/// delivers a message only once it has that byte. The sender records the e-mail as sent in a
/// transaction it opens before and commits after: the commit reaches the database in the same instant
/// as the end reaches the mail server. Dot-stuffing (RFC 5321 4.5.2) makes <c>CRLF . CRLF</c> appear
/// in what a client writes only as that end.
/// </summary>
public sealed class EndOfDataGate(Stream inner) : Stream
{
    private static readonly byte[] EndOfData = "\r\n.\r\n"u8.ToArray();

    // How much of EndOfData the bytes written so far end with (it may span writes).
    private int _matched;

    /// <summary>Runs once per message, just before the last byte of its data is written; cleared after.</summary>
    public Action? BeforeEndOfData { get; set; }

    /// <summary>Runs once per message, just after the last byte of its data is written; cleared after.</summary>
    public Action? AfterEndOfData { get; set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var end = FindEnd(buffer.Span);
        if (end >= 0 && BeforeEndOfData is { } before)
        {
            // Everything before the final byte goes out first; the final byte completes the end line.
            await inner.WriteAsync(buffer[..end], cancellationToken);
            var after = AfterEndOfData;
            (BeforeEndOfData, AfterEndOfData) = (null, null);
            before();
            inner.Write(buffer.Span[end..(end + 1)]);
            after?.Invoke();
            if (end + 1 < buffer.Length)
            {
                await inner.WriteAsync(buffer[(end + 1)..], cancellationToken);
            }
            return;
        }
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>The index of the last byte of an end-of-data line completed in this write, or -1.</summary>
    private int FindEnd(ReadOnlySpan<byte> bytes)
    {
        var found = -1;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == EndOfData[_matched])
            {
                _matched++;
            }
            else
            {
                // Only CR restarts a match (the pattern's other bytes never begin it).
                _matched = b == EndOfData[0] ? 1 : 0;
            }
            if (_matched == EndOfData.Length)
            {
                _matched = 0;
                found = found < 0 ? i : found;
            }
        }
        return found;
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanTimeout => inner.CanTimeout;
    public override int ReadTimeout { get => inner.ReadTimeout; set => inner.ReadTimeout = value; }
    public override int WriteTimeout { get => inner.WriteTimeout; set => inner.WriteTimeout = value; }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
