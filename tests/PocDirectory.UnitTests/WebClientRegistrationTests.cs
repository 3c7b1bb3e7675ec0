using PocDirectory.Identity.Accounts;

namespace PocDirectory.UnitTests;

public sealed class WebClientRegistrationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:18401/", "http://localhost:18401/signin-oidc")]
    [InlineData("http://localhost:18401/", "http://127.0.0.1:18401/signin-oidc")]
    public void The_Web_may_return_to_either_loopback_name_of_its_address(string web, string alias)
    {
        var descriptor = WebClientRegistration.Descriptor(new Uri(web), new string('s', 32));

        Assert.Contains(new Uri(web + "signin-oidc"), descriptor.RedirectUris);
        Assert.Contains(new Uri(alias), descriptor.RedirectUris);
        Assert.Equal(2, descriptor.PostLogoutRedirectUris.Count);
    }

    [Fact]
    public void A_public_address_is_registered_alone()
    {
        var descriptor = WebClientRegistration.Descriptor(new Uri("https://directory.example.org/"), new string('s', 32));

        Assert.Equal([new Uri("https://directory.example.org/signin-oidc")], descriptor.RedirectUris);
    }
}
