using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Tokens from Identity through the gateway, and their checks: by the gateway and again by every
/// service on its own port. Anything but a valid token addressed to the service is a 401 problem.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AccessTests(SystemFixture fixture)
{
    private static readonly string[] ProtectedServices = [ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings];

    [Fact]
    public async Task Discovery_through_the_gateway_names_the_gateway_as_issuer_and_publishes_the_signing_key()
    {
        using var discovery = JsonDocument.Parse(await fixture.Gateway.GetStringAsync("/.well-known/openid-configuration"));
        // The issuer is the public origin (the gateway, named "localhost" as browsers reach it); the
        // endpoints are on the gateway address the caller used.
        Assert.Equal(fixture.System.PublicOrigin.ToString(), discovery.RootElement.GetProperty("issuer").GetString());
        var gateway = fixture.System.Url(ResourceNames.Gateway).ToString();
        Assert.Equal(gateway + "connect/token", discovery.RootElement.GetProperty("token_endpoint").GetString());
        var jwksUri = discovery.RootElement.GetProperty("jwks_uri").GetString()!;
        Assert.StartsWith(gateway, jwksUri);

        using var jwks = JsonDocument.Parse(await fixture.Gateway.GetStringAsync(jwksUri));
        var key = jwks.RootElement.GetProperty("keys").EnumerateArray().First(k => k.GetProperty("use").GetString() == "sig");
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(key.TryGetProperty("d", out _)); // the public half only
    }

    [Fact]
    public async Task A_rotated_signing_key_is_published_by_the_running_Identity_without_a_restart_before_it_signs()
    {
        var jwksUri = JsonDocument.Parse(await fixture.Gateway.GetStringAsync("/.well-known/openid-configuration"))
            .RootElement.GetProperty("jwks_uri").GetString()!;
        var before = await SigningKeyIdsAsync(jwksUri);
        var signedBy = Decode(await fixture.TokenAsync()).Header["kid"]!.GetValue<string>();
        Assert.Contains(signedBy, before);
        var identityPid = fixture.System.Resource(ResourceNames.Identity).Pid;

        var (exitCode, output, error) = await MachineClient.RunAsync(fixture.System, "signing-key", "rotate");
        Assert.True(exitCode == 0, output + error);
        var rotated = System.Text.RegularExpressions.Regex.Match(output, "New signing key ([0-9a-f]{32})").Groups[1].Value;

        // Published by the Identity that is running (no restart), within its reload interval …
        var after = await Eventually.Until(() => SigningKeyIdsAsync(jwksUri), keys => keys.Contains(rotated), TimeSpan.FromSeconds(90),
            "the rotated key in Identity's published keys");
        Assert.Equal(identityPid, fixture.System.Resource(ResourceNames.Identity).Pid);
        Assert.Superset(before.ToHashSet(), after.ToHashSet());
        // … while tokens are still signed with the key every service already knows, and still accepted.
        var token = await fixture.TokenAsync();
        Assert.Equal(signedBy, Decode(token).Header["kid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(ResourceNames.Nominations, true, token)).StatusCode);
    }

    private async Task<List<string>> SigningKeyIdsAsync(string jwksUri)
    {
        using var jwks = JsonDocument.Parse(await fixture.Gateway.GetStringAsync(jwksUri));
        return jwks.RootElement.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("use").GetString() == "sig").Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    [Fact]
    public async Task A_token_is_a_short_lived_signed_JWT_for_the_requested_APIs_bound_to_the_clients_State()
    {
        var (header, payload) = Decode(await fixture.TokenAsync("directory.read nominations.read"));

        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal(fixture.System.PublicOrigin.ToString(), payload["iss"]!.GetValue<string>());
        Assert.True(payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>() <= 600);
        Assert.Equal("FRA", payload["state"]!.GetValue<string>());
        Assert.Equal("e2e-cert-fra", payload["sub"]!.GetValue<string>());
        var audiences = payload["aud"] is JsonArray array ? array.Select(a => a!.GetValue<string>()).ToList() : [payload["aud"]!.GetValue<string>()];
        Assert.Equal([ResourceNames.Directory, ResourceNames.Nominations], audiences.Order());
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_client_gets_no_token()
    {
        var wrongSecret = await fixture.Client.RequestTokenAsync(fixture.Gateway, "directory.read", secret: "not-the-secret");
        Assert.False(wrongSecret.IsSuccessStatusCode);
        Assert.Contains("invalid_client", await wrongSecret.Content.ReadAsStringAsync());

        var unknown = await new MachineClient("nobody-here", "x").RequestTokenAsync(fixture.Gateway, "directory.read");
        Assert.Contains("invalid_client", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_machine_client_gets_600_searches_a_minute_from_the_Directory_counted_in_Redis_for_every_replica_then_429()
    {
        // Iceland reads the directory once one of its points of contact is listed.
        var manager = await DirectoryFlow.TokenOfAsync(fixture.System, "limit-dm", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(fixture.System, "limit-fp", Roles.FocalPoint, "ISL");
        await DirectoryFlow.ListAsync(fixture.System, focalPoint, manager, "ISL", "Sigrún Jónsdóttir", TestPerson.UniqueEmail("limit-poc"));
        var client = await MachineClient.CreateAsync(fixture.System, "e2e-limited", "ISL", "directory.read");
        using var directory = new HttpClient { BaseAddress = fixture.System.Url(ResourceNames.Directory) };
        directory.DefaultRequestHeaders.Authorization = new("Bearer", await client.AccessTokenAsync(fixture.Gateway, "directory.read"));

        await Eventually.EarlyInMinute(); // the window is the clock's minute: every request falls in one
        // Eight at a time, as a client's tool would send them, until each sender has been refused once.
        var answered = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Volatile.Read(ref answered) <= 700)
            {
                using var response = await directory.GetAsync("/api/directory/pocs?pageSize=1");
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    retryAfter ??= response.Headers.RetryAfter?.Delta;
                    return;
                }
                statuses.Add(response.StatusCode);
                Interlocked.Increment(ref answered);
            }
        }));

        // One replica spends every permit it took: exactly the limit passes (with several, a few held at the window's end are lost).
        Assert.Equal(600, answered);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        // The window's count is in Redis, where every replica takes its permits from.
        var cache = fixture.System.Url(ResourceNames.Cache);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.System.RedisConnectionString);
        var key = Assert.Single(redis.GetServer(cache.Host, cache.Port).Keys(pattern: "pocdir:directory-readers:machine:e2e-limited:*"));
        Assert.Equal("600", (string?)await redis.GetDatabase().StringGetAsync(key));
    }

    [Fact]
    public async Task A_scope_the_client_was_not_granted_is_refused()
    {
        var client = await MachineClient.CreateAsync(fixture.System, "e2e-directory-only", "DEU", "directory.read");
        var response = await client.RequestTokenAsync(fixture.Gateway, "directory.read nominations.read");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("scope", error.RootElement.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task A_revoked_client_gets_no_new_token_and_the_ones_it_holds_are_refused_everywhere_within_a_minute()
    {
        var client = await MachineClient.CreateAsync(fixture.System, "e2e-revoked", "KEN", SystemFixture.AllReadScopes.Replace(' ', ','));
        var token = await client.AccessTokenAsync(fixture.Gateway, SystemFixture.AllReadScopes);
        foreach (var (service, throughGateway) in ProtectedServices.SelectMany(s => new[] { (s, true), (s, false) }))
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(service, throughGateway, token)).StatusCode);
        }

        var (exitCode, output, _) = await MachineClient.RunAsync(fixture.System, "machine-client", "revoke", "--client-id", "e2e-revoked");
        Assert.Equal(0, exitCode);
        Assert.Contains("Revoked", output);
        var revokedAt = Stopwatch.StartNew();

        Assert.Contains("invalid_client", await (await client.RequestTokenAsync(fixture.Gateway, "directory.read")).Content.ReadAsStringAsync());
        foreach (var (service, throughGateway) in ProtectedServices.SelectMany(s => new[] { (s, true), (s, false) }))
        {
            while ((await GetAsync(service, throughGateway, token)).StatusCode != HttpStatusCode.Unauthorized)
            {
                Assert.True(revokedAt.Elapsed < TimeSpan.FromMinutes(1), $"{service} ({(throughGateway ? "gateway" : "direct")}) still accepts the revoked token");
                await Task.Delay(500);
            }
        }
        // Another client's token is untouched.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(ResourceNames.Nominations, true, await fixture.TokenAsync())).StatusCode);
    }

    [Theory]
    [InlineData("XYZ", "not the ISO 3166-1 alpha-3 code")]
    [InlineData("FRA", "A machine client may have one or more of")]
    public async Task A_machine_client_is_refused_an_unknown_State_or_a_scope_beyond_reading(string state, string message)
    {
        var scopes = state == "FRA" ? "directory.read,directory.write" : "directory.read";
        var (exitCode, _, error) = await MachineClient.RunAsync(fixture.System,
            "machine-client", "add", "--client-id", $"e2e-refused-{state.ToLowerInvariant()}", "--state", state, "--scopes", scopes);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, error);
    }

    public static TheoryData<string, bool> ServicesAndPaths()
    {
        var data = new TheoryData<string, bool>();
        foreach (var service in ProtectedServices)
        {
            data.Add(service, true);
            data.Add(service, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ServicesAndPaths))]
    public async Task A_valid_token_addressed_to_the_service_is_accepted(string service, bool throughGateway)
    {
        var response = await GetAsync(service, throughGateway, await fixture.TokenAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ServicesAndPaths))]
    public async Task Every_forged_missing_or_misaddressed_token_is_a_401_problem(string service, bool throughGateway)
    {
        var valid = await fixture.TokenAsync();
        var directoryOnly = await fixture.TokenAsync("directory.read");
        var forgeries = new Dictionary<string, string?>
        {
            ["no token"] = null,
            ["not a JWT"] = "not-a-token",
            ["alg none"] = AlgNone(valid),
            ["signed by an unknown key"] = SignedByUnknownKey(valid, payload => { }),
            ["wrong issuer, own key"] = SignedByUnknownKey(valid, payload => payload["iss"] = "http://127.0.0.1:1/"),
            ["expired, own key"] = SignedByUnknownKey(valid, payload => payload["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()),
            ["tampered claims"] = Tampered(valid, payload => payload["state"] = "DEU"),
            ["wrong audience"] = directoryOnly,
        };

        foreach (var (name, token) in forgeries)
        {
            var response = await GetAsync(service, throughGateway, token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{name}: {response.Content.Headers.ContentType}");
        }
    }

    [Fact]
    public async Task The_public_list_of_Member_States_needs_no_token_even_with_a_forged_one()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/directory/member-states/KE");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Gateway.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_signing_key_survives_a_restart_of_Identity_and_earlier_tokens_stay_valid()
    {
        var token = await fixture.TokenAsync();
        var kid = Decode(token).Header["kid"]!.GetValue<string>();
        var before = fixture.System.Resource(ResourceNames.Identity);

        Process.GetProcessById(before.Pid!.Value).Kill(entireProcessTree: true);
        await fixture.System.WaitUntilAsync(
            r => r.Single(x => x.Name == ResourceNames.Identity) is { State: "Running" } x && x.Pid != before.Pid,
            TimeSpan.FromMinutes(2), "identity running again");

        Assert.Equal(kid, Decode(await fixture.TokenAsync(fresh: true)).Header["kid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(ResourceNames.Nominations, true, token)).StatusCode);
    }

    [Fact]
    public async Task Token_requests_from_one_address_are_limited_in_Redis_with_a_429_problem()
    {
        // From an address of its own on the loopback network, so that no other test shares its count.
        using var handler = new SocketsHttpHandler { ConnectCallback = Loopback.FromAddress(IPAddress.Parse("127.0.0.3")) };
        using var gateway = new HttpClient(handler) { BaseAddress = fixture.System.Url(ResourceNames.Gateway) };
        var guesser = new MachineClient("e2e-cert-fra", "a-guess");

        HttpResponseMessage response;
        var attempts = 0;
        do
        {
            response = await guesser.RequestTokenAsync(gateway, "directory.read");
            attempts++;
        }
        while (response.StatusCode != HttpStatusCode.TooManyRequests && attempts <= 31);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(31, attempts); // 30 a minute are allowed
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        // Other addresses are not affected.
        Assert.True((await fixture.Client.RequestTokenAsync(fixture.Gateway, "directory.read")).IsSuccessStatusCode);
        // The count is in Redis, where every gateway replica reads it.
        var cache = fixture.System.Url(ResourceNames.Cache);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.System.RedisConnectionString);
        var keys = redis.GetServer(cache.Host, cache.Port).Keys(pattern: "*sign-in:127.0.0.3*").ToList();
        Assert.NotEmpty(keys);
    }

    [Fact]
    public async Task The_keys_kept_in_identitydb_and_in_Redis_are_sealed_under_keys_neither_holds()
    {
        // Both rings hold a key once something was protected: a sign-in page's antiforgery token, a sign-in's correlation cookie.
        using (var pages = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            Assert.Equal(HttpStatusCode.OK, (await pages.GetAsync(new Uri(fixture.System.Url(ResourceNames.Gateway), "/account/sign-in"))).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await pages.GetAsync(new Uri(fixture.System.Url(ResourceNames.Web), "/signin"))).StatusCode);
        }
        // Identity's data-protection keys (its sign-in cookies) and token keys, in identitydb.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.System.DatabaseConnectionString(ResourceNames.IdentityDb));
        await connection.OpenAsync();
        var identityRing = new List<string>();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT \"Xml\" FROM data_protection_keys", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                identityRing.Add(reader.GetString(0));
            }
        }
        Assert.NotEmpty(identityRing);
        Assert.All(identityRing, xml => Assert.Contains("<sealedKey", xml, StringComparison.Ordinal));
        Assert.All(identityRing, xml => Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal));
        await using (var command = new Npgsql.NpgsqlCommand("SELECT pkcs8 FROM signing_keys", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                using var rsa = System.Security.Cryptography.RSA.Create();
                var pkcs8 = (byte[])reader[0];
                Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => rsa.ImportPkcs8PrivateKey(pkcs8, out _));
            }
        }
        // The Web's data-protection keys (its session cookies), in the Redis that holds the sessions.
        var cache = fixture.System.Url(ResourceNames.Cache);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.System.RedisConnectionString);
        var webRing = (await redis.GetDatabase().ListRangeAsync("pocdir:dataprotection:web")).Select(v => v.ToString()).ToList();
        Assert.NotEmpty(webRing);
        Assert.All(webRing, xml => Assert.Contains("<sealedKey", xml, StringComparison.Ordinal));
        Assert.All(webRing, xml => Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> GetAsync(string service, bool throughGateway, string? token)
    {
        using var http = new HttpClient { BaseAddress = throughGateway ? fixture.System.Url(ResourceNames.Gateway) : fixture.System.Url(service) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/{service}/member-states");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    internal static (JsonObject Header, JsonObject Payload) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        return (JsonNode.Parse(FromBase64Url(parts[0]))!.AsObject(), JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject());
    }

    private static string AlgNone(string jwt)
    {
        var (header, payload) = Decode(jwt);
        header["alg"] = "none";
        return $"{Encode(header)}.{Encode(payload)}.";
    }

    private static string SignedByUnknownKey(string jwt, Action<JsonObject> change)
    {
        using var rsa = RSA.Create(2048);
        return SignedBy(rsa, jwt, change);
    }

    /// <summary><paramref name="jwt"/> with its payload changed, signed (RS256) with <paramref name="key"/>.</summary>
    internal static string SignedBy(RSA key, string jwt, Action<JsonObject> change)
    {
        var (header, payload) = Decode(jwt);
        change(payload);
        var signed = $"{Encode(header)}.{Encode(payload)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{ToBase64Url(signature)}";
    }

    private static string Tampered(string jwt, Action<JsonObject> change)
    {
        var (header, payload) = Decode(jwt);
        change(payload);
        return $"{Encode(header)}.{Encode(payload)}.{jwt.Split('.')[2]}";
    }

    private static string Encode(JsonObject json) => ToBase64Url(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
