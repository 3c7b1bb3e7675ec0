using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PocDirectory.Gateway.Extensions;

namespace PocDirectory.UnitTests;

/// <summary>The gateway sends a read again when its connection broke before an answer, and nothing else.</summary>
public sealed class ReadRetryTests
{
    /// <summary>Fails the first <paramref name="failures"/> sends with a connection error, then answers 200.</summary>
    private sealed class Flaky(int failures) : HttpMessageHandler
    {
        public int Sends { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sends++;
            return Sends <= failures
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"))
                : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private static (HttpMessageInvoker Invoker, Flaky Inner) Through(int failures)
    {
        var inner = new Flaky(failures);
        return (new HttpMessageInvoker(new ReadRetryHandler("directory", NullLogger.Instance) { InnerHandler = inner }), inner);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task A_read_whose_connection_broke_is_sent_again_until_it_is_answered(string method)
    {
        var (invoker, inner) = Through(failures: ReadRetryHandler.Attempts - 1);
        using var response = await invoker.SendAsync(new HttpRequestMessage(new HttpMethod(method), "http://directory/api/directory/pocs"), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReadRetryHandler.Attempts, inner.Sends);
    }

    [Fact]
    public async Task A_read_that_keeps_failing_fails_after_the_last_attempt()
    {
        var (invoker, inner) = Through(failures: ReadRetryHandler.Attempts);
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://directory/x"), CancellationToken.None));
        Assert.Equal(ReadRetryHandler.Attempts, inner.Sends);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_write_is_never_sent_again(string method)
    {
        var (invoker, inner) = Through(failures: 1);
        var request = new HttpRequestMessage(new HttpMethod(method), "http://directory/x") { Content = new StringContent("{}") };
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));
        Assert.Equal(1, inner.Sends);
    }

    [Fact]
    public async Task A_GET_with_a_body_is_not_sent_again()
    {
        var (invoker, inner) = Through(failures: 1);
        var request = new HttpRequestMessage(HttpMethod.Get, "http://directory/x") { Content = new StringContent("{}") };
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));
        Assert.Equal(1, inner.Sends);
    }

    [Fact]
    public void The_waits_between_attempts_double_from_50_ms()
    {
        Assert.Equal([50, 100, 200, 400], Enumerable.Range(1, ReadRetryHandler.Attempts - 1).Select(a => ReadRetryHandler.Backoff(a).TotalMilliseconds));
    }
}
