namespace PocDirectory.UnitTests;

/// <summary>Which APIs one person token is addressed to: Identity's never beside another's.</summary>
public sealed class TokenAudienceTests
{
    private static readonly string[] Granted = [.. ApiScopes.PersonSignIn];

    [Fact]
    public void A_sign_in_or_plain_refresh_is_for_every_granted_API_but_Identity()
    {
        Assert.Equal([ApiScopes.DirectoryRead, ApiScopes.MeetingsRead, ApiScopes.NominationsRead, ApiScopes.NotificationsRead],
            ApiScopes.AddressedTo(Granted, []).Order());
        Assert.Equal([ApiScopes.DirectoryRead, ApiScopes.MeetingsRead, ApiScopes.NominationsRead, ApiScopes.NotificationsRead],
            ApiScopes.AddressedTo(Granted, ["openid", "offline_access"]).Order());
    }

    [Fact]
    public void Asking_for_Identity_alone_is_for_Identity_alone()
    {
        Assert.Equal([ApiScopes.IdentityApi], ApiScopes.AddressedTo(Granted, [ApiScopes.IdentityApi]));
        Assert.Equal([ApiScopes.IdentityApi], ApiScopes.AddressedTo(Granted, [ApiScopes.IdentityApi, "offline_access"]));
    }

    [Fact]
    public void Asking_for_Identity_beside_another_API_drops_Identity_and_nothing_ungranted_is_added()
    {
        Assert.Equal([ApiScopes.DirectoryRead], ApiScopes.AddressedTo(Granted, [ApiScopes.IdentityApi, ApiScopes.DirectoryRead]));
        Assert.Empty(ApiScopes.AddressedTo([ApiScopes.DirectoryRead], [ApiScopes.IdentityApi]));
        Assert.Empty(ApiScopes.AddressedTo([ApiScopes.DirectoryRead], [ApiScopes.MeetingsRead]));
        Assert.Equal([ApiScopes.DirectoryRead], ApiScopes.AddressedTo([ApiScopes.DirectoryRead, ApiScopes.IdentityApi], []));
    }
}
