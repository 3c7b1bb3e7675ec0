using Microsoft.Extensions.Configuration;
using System.Security.Claims;

namespace PocDirectory.UnitTests;

/// <summary>Who a token says the caller is, as every service reads it: the roles it acts with.</summary>
public sealed class CallerRulesTests
{
    private static Caller From(string? state, params string[] roles) =>
        Caller.From(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "person-1"), new Claim("client_id", "web"), .. roles.Select(r => new Claim("role", r)),
             .. state is null ? Array.Empty<Claim>() : [new Claim(ApiScopes.StateClaim, state)]], "test")));

    [Theory]
    [InlineData(Roles.Operations, Roles.FocalPoint)]
    [InlineData(Roles.Operations, Roles.PointOfContact)]
    [InlineData(Roles.ChairOffice, Roles.FocalPoint)]
    [InlineData(Roles.ChairOffice, Roles.PointOfContact)]
    public void A_contact_blind_role_cancels_a_State_bound_one_in_every_check(string blind, string bound)
    {
        var caller = From("FRA", blind, bound);

        Assert.Equal([blind], caller.Roles);
        Assert.False(caller.HoldsFor(bound, "FRA"));
        Assert.False(caller.MaintainsState("FRA"));
        Assert.False(caller.OverseesState("FRA"));
        Assert.True(Roles.IsForbiddenCombination([blind, bound]));
    }

    [Fact]
    public void Other_roles_are_kept_as_held()
    {
        Assert.True(From("FRA", Roles.FocalPoint, Roles.PointOfContact).MaintainsState("FRA"));
        Assert.Equal([Roles.ChairOffice, Roles.Operations], From(null, Roles.Operations, Roles.ChairOffice).Roles.Order());
        // The directory manager keeps everything: it reads the directory in any case.
        Assert.Equal(3, From("FRA", Roles.DirectoryManager, Roles.Operations, Roles.FocalPoint).Roles.Count);
        Assert.False(Roles.IsForbiddenCombination([Roles.FocalPoint, Roles.PointOfContact]));
        Assert.False(Roles.IsForbiddenCombination([Roles.Operations, Roles.ChairOffice, Roles.DirectoryManager]));
    }
}

/// <summary>The browser's address as the Web signs it for the gateway.</summary>
public sealed class ForwardedClientTests
{
    private static readonly byte[] Key = System.Text.Encoding.UTF8.GetBytes("a key of at least thirty-two characters, for tests");
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("127.0.0.5")]
    [InlineData("2001:db8::7")]
    public void A_signed_address_verifies_within_a_minute(string address)
    {
        var header = ForwardedClient.Sign(System.Net.IPAddress.Parse(address), Now, Key);
        Assert.Equal(System.Net.IPAddress.Parse(address), ForwardedClient.Verify(header, Now.AddSeconds(59), Key));
        Assert.Equal(System.Net.IPAddress.Parse(address), ForwardedClient.Verify(header, Now.AddSeconds(-59), Key));
    }

    [Fact]
    public void A_stale_forged_tampered_or_malformed_header_is_not_believed()
    {
        var header = ForwardedClient.Sign(System.Net.IPAddress.Parse("127.0.0.5"), Now, Key);
        Assert.Null(ForwardedClient.Verify(header, Now.AddSeconds(61), Key));
        Assert.Null(ForwardedClient.Verify(header, Now, System.Text.Encoding.UTF8.GetBytes("another key of at least thirty-two characters")));
        Assert.Null(ForwardedClient.Verify(header.Replace("127.0.0.5", "127.0.0.6"), Now, Key));
        var parts = header.Split(';');
        Assert.Null(ForwardedClient.Verify($"{parts[0]};{long.Parse(parts[1]) + 1};{parts[2]}", Now, Key));
        foreach (var junk in new[] { null, "", "127.0.0.5", "127.0.0.5;1", "127.0.0.5;x;AAAA", "127.0.0.5;99999999999999999;AAAA", $"{parts[0]};{parts[1]};{new string('A', 500)}", $"{parts[0]};-1;{parts[2]}" })
        {
            Assert.Null(ForwardedClient.Verify(junk, Now, Key));
        }
        Assert.Null(ForwardedClient.Key(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [ForwardedClient.KeyConfiguration] = "short" }).Build()));
    }
}
