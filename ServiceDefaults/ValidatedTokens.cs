using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Access tokens this process has already validated, by their SHA-256, until they expire: a client
/// repeating its token (a CERT tool paging through the directory, the Web during a session) is not
/// put through the signature check and OpenIddict's validation again on every request. What changes
/// while a token lives is still checked on every use: revocation (<see cref="RevocationList"/>) and
/// the expiry itself. Bounded: when full, tokens are validated without being remembered.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider clock)
{
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _nextSweep;

    public sealed record Entry(AuthenticationTicket Ticket, string? Subject, DateTimeOffset? IssuedAt, DateTimeOffset ExpiresAt);

    public int Count => _entries.Count;

    public Entry? Find(string token)
    {
        var key = Key(token);
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > clock.GetUtcNow())
            {
                return entry;
            }
            _entries.TryRemove(key, out _);
        }
        return null;
    }

    /// <summary>Remembers a token OpenIddict accepted, until its own expiry (not at all without one).</summary>
    public void Add(string token, AuthenticationTicket ticket)
    {
        var principal = ticket.Principal;
        var now = clock.GetUtcNow();
        if (principal.GetExpirationDate() is not { } expires || expires <= now)
        {
            return;
        }
        if (_entries.Count >= Capacity)
        {
            Sweep(now);
            if (_entries.Count >= Capacity)
            {
                return;
            }
        }
        _entries[Key(token)] = new Entry(ticket, principal.GetClaim(OpenIddictConstants.Claims.Subject), principal.GetCreationDate(), expires);
    }

    private void Sweep(DateTimeOffset now)
    {
        // At most once a second, whoever gets here first.
        var due = Interlocked.Read(ref _nextSweep);
        if (now.ToUnixTimeMilliseconds() < due || Interlocked.CompareExchange(ref _nextSweep, now.ToUnixTimeMilliseconds() + 1000, due) != due)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private static string Key(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>
/// The services' and the gateway's default authentication: a token seen before and still valid (not
/// expired, its subject not revoked since) is taken from <see cref="ValidatedTokenCache"/>; any other
/// goes through OpenIddict's validation, which also answers the challenges and refusals.
/// </summary>
/// <remarks>
/// OpenIddict's validation is an ASP.NET Core request handler: it prepares, when the request starts, what its token
/// check, challenge and refusal need. Asked by the authentication middleware on every request (whether it answers
/// the request itself, which validation never does), it cost the gateway and the Directory 3 % of their CPU, though
/// a token seen before never reaches it. <see cref="ValidationOnDemand"/> keeps it out of that loop; this handler
/// prepares it here, only when a request needs it.
/// </remarks>
public sealed class CachedTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokenCache cache, RevocationList revocations)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "cached-bearer";

    private const string Validation = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (token is { Length: > 0 } && cache.Find(token) is { } known && !revocations.IsRevoked(known.Subject, known.IssuedAt))
        {
            return AuthenticateResult.Success(known.Ticket);
        }
        await PrepareValidationAsync();
        var result = await Context.AuthenticateAsync(Validation);
        if (token is { Length: > 0 } && result.Succeeded)
        {
            cache.Add(token, result.Ticket);
        }
        return result;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await PrepareValidationAsync();
        await Context.ChallengeAsync(Validation, properties);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await PrepareValidationAsync();
        await Context.ForbidAsync(Validation, properties);
    }

    /// <summary>
    /// Lets OpenIddict's validation prepare this request, once, as the authentication middleware would have at its
    /// start. Validation has no endpoint of its own and never answers a request there; should a later version do so,
    /// this fails loudly rather than carry on behind an answer already written.
    /// </summary>
    private async Task PrepareValidationAsync()
    {
        if (Context.Features.Get<OpenIddictValidationAspNetCoreFeature>() is not null)
        {
            return;
        }
        var handlers = Context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(Context, Validation) is IAuthenticationRequestHandler validation && await validation.HandleRequestAsync())
        {
            throw new InvalidOperationException("OpenIddict's validation answered a request itself, which this handler does not expect.");
        }
    }
}

/// <summary>
/// The authentication schemes, with OpenIddict's validation left out of those the authentication middleware asks on
/// every request whether they answer it (see <see cref="CachedTokenHandler"/>, which asks it when needed). So that
/// scheme is only ever reached through <see cref="CachedTokenHandler"/>: a policy or endpoint naming it directly
/// would find it unprepared (OpenIddict's ID0166) and fail closed.
/// </summary>
public sealed class ValidationOnDemand(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    private sealed record Filtered(IEnumerable<AuthenticationScheme> From, AuthenticationScheme[] Schemes);

    private Filtered? _filtered;

    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        // The base keeps one array until a scheme is added or removed: filtered once per array.
        var all = await base.GetRequestHandlerSchemesAsync();
        var filtered = Volatile.Read(ref _filtered);
        if (filtered is null || !ReferenceEquals(filtered.From, all))
        {
            filtered = new Filtered(all, all.Where(s => s.Name != OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme).ToArray());
            Volatile.Write(ref _filtered, filtered);
        }
        return filtered.Schemes;
    }
}
