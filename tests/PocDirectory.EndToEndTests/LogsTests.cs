using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The logs of the whole running system (every service's and server's file under the state folder's <c>logs/</c>)
/// hold no address the system e-mailed and no link token it sent: what the people using it are, and what lets them in,
/// stays out of what operators read and ship elsewhere.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class LogsTests(SystemFixture fixture)
{
    [GeneratedRegex(@"[?&](?:token|code)=([A-Za-z0-9_-]{16,})")]
    private static partial Regex LinkToken();

    [GeneratedRegex(@"^X-RcptTo: (.+)$", RegexOptions.Multiline)]
    private static partial Regex Recipient();

    [Fact]
    public async Task No_log_holds_an_address_the_system_e_mailed_or_a_link_token_it_sent()
    {
        var system = fixture.System;
        // Someone new, invited by e-mail, signed in: an address and a one-time link of this test's own, besides every
        // e-mail of the tests before it.
        var person = await TestPerson.CreateAsync(system, "log-scan", Roles.DirectoryManager);
        var mails = Mailbox.Texts(system).ToList();
        var addresses = mails.SelectMany(m => Recipient().Matches(m).Select(r => r.Groups[1].Value.Trim().ToLowerInvariant()))
            .Where(a => a != "operations@example.org") // the alerts' own mailbox: not a person
            .ToHashSet();
        // Links as the raw messages hold them, quoted-printable undone (soft line breaks, "=3D").
        var tokens = mails.SelectMany(m => LinkToken().Matches(m.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal)
                .Replace("=3D", "=", StringComparison.Ordinal))
            .Select(t => t.Groups[1].Value)).ToHashSet();
        Assert.Contains(person.Email.ToLowerInvariant(), addresses);
        Assert.NotEmpty(tokens);
        tokens.Add(await fixture.TokenAsync()); // a machine client's access token, used all along

        var logs = Path.Combine(system.StateDirectory, "logs");
        var files = Directory.GetFiles(logs, "*.log");
        Assert.Contains(files, f => Path.GetFileName(f) == "identity.log");
        var found = new List<string>();
        foreach (var file in files)
        {
            var text = (await File.ReadAllTextAsync(file)).ToLowerInvariant();
            found.AddRange(addresses.Where(a => text.Contains(a, StringComparison.Ordinal)).Select(a => $"{Path.GetFileName(file)}: {a}"));
            found.AddRange(tokens.Where(t => text.Contains(t.ToLowerInvariant(), StringComparison.Ordinal)).Select(t => $"{Path.GetFileName(file)}: a token ({t[..6]}…)"));
        }
        Assert.True(found.Count == 0, $"In {files.Length} log files, of {addresses.Count} addresses and {tokens.Count} tokens: {string.Join("; ", found.Take(20))}");
    }
}
