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

/// <summary>The seal on every message body: it opens under its key only, and says nothing of what it holds.</summary>
public sealed class SealedMessageTests
{
    private static readonly byte[] Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_sealed_body_opens_under_its_key_and_reads_differently_each_time()
    {
        var serializer = new PocDirectory.BuildingBlocks.Messaging.SealedJsonSerializer(Key);
        var plaintext = "{\"link\":\"https://example.org/account/invitation?token=secret\"}"u8.ToArray();
        var first = serializer.Seal(plaintext);
        var second = serializer.Seal(plaintext);
        Assert.NotEqual(first, second); // a fresh nonce each time: equal messages do not look equal
        Assert.DoesNotContain("secret", System.Text.Encoding.Latin1.GetString(first), StringComparison.Ordinal);
        Assert.Equal(plaintext, serializer.Open(first));
    }

    [Fact]
    public void A_body_changed_or_sealed_under_another_key_or_not_sealed_at_all_does_not_open()
    {
        var serializer = new PocDirectory.BuildingBlocks.Messaging.SealedJsonSerializer(Key);
        var sealedBody = serializer.Seal("{}"u8);
        var changed = (byte[])sealedBody.Clone();
        changed[^1] ^= 1;
        var elsewhere = new PocDirectory.BuildingBlocks.Messaging.SealedJsonSerializer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Seal("{}"u8);
        foreach (var body in new[] { changed, elsewhere, "{\"message\":{}}"u8.ToArray(), [], [1] })
        {
            Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.Open(body));
        }
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("not base64url!", "is not base64url")]
    [InlineData("c2hvcnQ", "is shorter than 32 bytes")]
    public void A_missing_or_unusable_key_stops_the_start_naming_its_setting(string? value, string problem)
    {
        var error = Assert.Throws<InvalidOperationException>(() => PocDirectory.BuildingBlocks.Messaging.SealedJsonSerializer.Key(value));
        Assert.Contains("Messaging:Key", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
