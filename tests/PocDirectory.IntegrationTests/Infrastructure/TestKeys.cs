namespace PocDirectory.IntegrationTests.Infrastructure;

/// <summary>Keys the services need to start, made once per test run (never one of a real system's).</summary>
public static class TestKeys
{
    /// <summary>The bus's sealing key (<c>Messaging:Key</c>), shared by every host of the run, as the services of one system share theirs.</summary>
    public static readonly string Messaging = New();

    /// <summary>A new random 32-byte key, as the state folder's secrets are written.</summary>
    public static string New() => System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
