using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OtpNet;

namespace PocDirectory.EndToEndTests;

public static class Loopback
{
    /// <summary>Connects from <paramref name="source"/> (another loopback address), so that per-address limits count this client alone.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> FromAddress(IPAddress source) =>
        async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        };
}

/// <summary>The SMTP sink's maildir: the e-mails the system sent, as the recipients would get them.</summary>
public static partial class Mailbox
{
    /// <summary>Waits for an e-mail to <paramref name="to"/> whose text matches <paramref name="pattern"/>; returns the match.</summary>
    public static async Task<Match> WaitForAsync(RunningSystem system, string to, Regex pattern, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (var text in Texts(system))
            {
                if (text.Contains($"X-RcptTo: {to}", StringComparison.OrdinalIgnoreCase) && pattern.Match(text) is { Success: true } match)
                {
                    return match;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No e-mail to {to} matching {pattern} within the time.");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>The e-mails among <paramref name="texts"/> that hold <paramref name="subject"/>, counted by recipient.</summary>
    public static Dictionary<string, int> PerRecipient(IEnumerable<string> texts, string subject)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts)
        {
            if (text.Contains(subject, StringComparison.Ordinal) && RecipientHeader().Match(text) is { Success: true } to)
            {
                counts[to.Groups[1].Value] = counts.GetValueOrDefault(to.Groups[1].Value) + 1;
            }
        }
        return counts;
    }

    [GeneratedRegex(@"X-RcptTo: (\S+)")]
    private static partial Regex RecipientHeader();

    /// <summary>Every e-mail the SMTP sink has received (its maildir), newest first, as the raw message.</summary>
    public static IEnumerable<string> Texts(RunningSystem system)
    {
        var directory = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");
        return Directory.Exists(directory)
            ? new DirectoryInfo(directory).GetFiles().OrderByDescending(f => f.LastWriteTimeUtc).Select(f => File.ReadAllText(f.FullName))
            : [];
    }

    /// <summary>
    /// Every e-mail to <paramref name="to"/>, parsed as a mail client reads it (its text decoded from the transport's
    /// quoted-printable or base64), for what a pattern on the raw message would miss.
    /// </summary>
    public static async Task<List<MimeKit.MimeMessage>> MessagesToAsync(RunningSystem system, string to)
    {
        var messages = new List<MimeKit.MimeMessage>();
        foreach (var raw in Texts(system).Where(t => t.Contains($"X-RcptTo: {to}", StringComparison.OrdinalIgnoreCase)))
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
            messages.Add(await MimeKit.MimeMessage.LoadAsync(stream));
        }
        return messages;
    }

    public static Task<Match> InvitationLinkAsync(RunningSystem system, string to) =>
        WaitForAsync(system, to, InvitationLink());

    [GeneratedRegex(@"http://[^\s<>""]+/account/invitation\?token=[A-Za-z0-9_-]+")]
    private static partial Regex InvitationLink();
}

/// <summary>A person with an account: invited with the documented command, accepted and enrolled over HTTP.</summary>
public sealed record TestPerson(string Email, string Password, string AuthenticatorKey, IReadOnlyList<string> RecoveryCodes)
{
    public const string DefaultPassword = "a long and quiet harbour at dusk";

    public string Code() => new Totp(Base32Encoding.ToBytes(AuthenticatorKey)).ComputeTotp();

    public static string UniqueEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)] + "@example.org";

    public static async Task InviteAsync(RunningSystem system, string email, string name, string roles, string? state = null)
    {
        var args = new List<string> { "invitation", "create", "--email", email, "--name", name, "--roles", roles };
        if (state is not null)
        {
            args.AddRange(["--state", state]);
        }
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var (exitCode, output, error) = await MachineClient.RunAsync(system, [.. args]);
            if (exitCode == 0)
            {
                return;
            }
            // Identity's copy of the States fills one State at a time at first start: wait while it is empty or partial.
            if (!(error.Contains("still empty", StringComparison.Ordinal) || error.Contains("not the ISO 3166-1", StringComparison.Ordinal))
                || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"invitation create failed ({exitCode}): {error}{output}");
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>Invites, accepts the e-mailed invitation with a password, and enrols an authenticator: a ready account.</summary>
    public static async Task<TestPerson> CreateAsync(RunningSystem system, string prefix, string roles, string? state = null)
    {
        var email = UniqueEmail(prefix);
        await InviteAsync(system, email, $"Test {prefix}", roles, state);
        return await AcceptInvitationAsync(system, email);
    }

    /// <summary>Accepts the invitation e-mailed to <paramref name="email"/> with a password and enrols an authenticator.</summary>
    public static async Task<TestPerson> AcceptInvitationAsync(RunningSystem system, string email)
    {
        var link = (await Mailbox.InvitationLinkAsync(system, email)).Value;
        using var browser = new FormClient(system);
        var invitation = await browser.GetAsync(new Uri(link).PathAndQuery);
        var accepted = await browser.PostAsync(invitation, new Uri(link).PathAndQuery, new() { ["Password"] = DefaultPassword, ["Confirm"] = DefaultPassword });
        Assert.Equal("/account/enrol", accepted.Location);
        var enrol = await browser.GetAsync("/account/enrol");
        var key = Regex.Match(enrol.Body, @"data-testid=""authenticator-key"">([a-z0-9 ]+)<").Groups[1].Value.Replace(" ", "").ToUpperInvariant();
        var person = new TestPerson(email, DefaultPassword, key, []);
        var enrolled = await browser.PostAsync(enrol, "/account/enrol", new() { ["Code"] = person.Code() });
        var codes = Regex.Matches(enrolled.Body, @"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Count);
        return person with { RecoveryCodes = codes };
    }

    /// <summary>Signs in as the Web would (authorization code with PKCE, the Web's own client) and returns the tokens it gets.</summary>
    public async Task<JsonElement> SignInForTokensAsync(RunningSystem system)
    {
        using var browser = new FormClient(system);
        var web = system.Url(ResourceNames.Web);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize?client_id=web&response_type=code&scope=" + Uri.EscapeDataString(string.Join(' ', ApiScopes.PersonSignIn))
            + "&redirect_uri=" + Uri.EscapeDataString(new Uri(web, "signin-oidc").ToString())
            + "&code_challenge=" + challenge + "&code_challenge_method=S256&state=e2e&nonce=e2e";
        var toSignIn = await browser.GetAsync(authorize);
        var signIn = await browser.GetAsync(toSignIn.Location!);
        var toTwoFactor = await browser.PostAsync(signIn, toSignIn.Location!, new() { ["Email"] = Email, ["Password"] = Password });
        var twoFactor = await browser.GetAsync(toTwoFactor.Location!);
        var back = await browser.PostAsync(twoFactor, toTwoFactor.Location!, new() { ["Code"] = Code() });
        var callback = await browser.GetAsync(back.Location!);
        Assert.StartsWith(new Uri(web, "signin-oidc").ToString(), callback.Location);
        var code = System.Web.HttpUtility.ParseQueryString(new Uri(callback.Location!).Query)["code"]!;
        var secret = system.Secret("web-client-secret");
        using var response = await browser.Http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = new Uri(web, "signin-oidc").ToString(),
            ["client_id"] = "web",
            ["client_secret"] = secret,
            ["code_verifier"] = verifier,
        }));
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>
    /// As the Web does for its calls to Identity's API: a refresh asking for that scope alone, which gives a
    /// token addressed to Identity alone (and the rotated refresh token, which <paramref name="tokens"/> no longer holds).
    /// </summary>
    public static async Task<JsonElement> ForIdentityAsync(RunningSystem system, JsonElement tokens, string? scope = ApiScopes.IdentityApi)
    {
        using var identity = new HttpClient { BaseAddress = system.Url(ResourceNames.Identity) };
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = "web",
            ["client_secret"] = system.Secret("web-client-secret"),
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        using var response = await identity.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}

/// <summary>A page as a browser without scripts would see it: status, body, where it redirects.</summary>
public sealed record PageResponse(HttpStatusCode Status, string Body, string? Location, System.Net.Http.Headers.HttpResponseHeaders Headers);

/// <summary>
/// Identity's pages through the gateway over plain HTTP, with cookies and antiforgery tokens, and
/// without following redirects, so each step can be checked. From its own loopback address.
/// </summary>
public sealed partial class FormClient : IDisposable
{
    private static int _next = 10;

    public FormClient(RunningSystem system)
    {
        Address = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _next) % 200 + 10}");
        Http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = Loopback.FromAddress(Address),
        })
        { BaseAddress = system.Url(ResourceNames.Gateway) };
    }

    public HttpClient Http { get; }

    /// <summary>The loopback address this client connects from.</summary>
    public IPAddress Address { get; }

    public async Task<PageResponse> GetAsync(string pathOrUrl)
    {
        using var response = await Http.GetAsync(pathOrUrl);
        return await ReadAsync(response);
    }

    /// <summary>Posts <paramref name="fields"/> with the antiforgery token of <paramref name="page"/>.</summary>
    public async Task<PageResponse> PostAsync(PageResponse page, string pathOrUrl, Dictionary<string, string> fields)
    {
        var token = AntiforgeryField().Match(page.Body);
        Assert.True(token.Success, "The page has no antiforgery token.");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        using var response = await Http.PostAsync(pathOrUrl, new FormUrlEncodedContent(fields));
        return await ReadAsync(response);
    }

    private static async Task<PageResponse> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.ToString(), response.Headers);

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
    private static partial Regex AntiforgeryField();

    public void Dispose() => Http.Dispose();
}
