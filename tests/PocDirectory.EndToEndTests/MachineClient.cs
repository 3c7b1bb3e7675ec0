using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>A machine client created with the documented command, and the tokens it obtains through the gateway.</summary>
public sealed record MachineClient(string ClientId, string ClientSecret)
{
    /// <summary>Runs <c>scripts/identity.sh machine-client add</c> against the system, until Identity has its copy of the States.</summary>
    public static async Task<MachineClient> CreateAsync(RunningSystem system, string clientId, string state, string scopes)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var (exitCode, output, error) = await RunAsync(system, "machine-client", "add", "--client-id", clientId, "--state", state, "--scopes", scopes);
            if (exitCode == 0)
            {
                var secret = output.Split('\n').Single(l => l.StartsWith("client_secret:", StringComparison.Ordinal))["client_secret:".Length..].Trim();
                return new MachineClient(clientId, secret);
            }
            // Identity's copy of the States fills one State at a time at first start: wait while it is empty or partial.
            if (!(error.Contains("still empty", StringComparison.Ordinal) || error.Contains("not the ISO 3166-1", StringComparison.Ordinal))
                || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"machine-client add failed ({exitCode}): {error}{output}");
            }
            await Task.Delay(1000);
        }
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(RunningSystem system, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RunningSystem.RepositoryRoot, "scripts", "identity.sh"));
        start.ArgumentList.Add("--state-dir");
        start.ArgumentList.Add(system.StateDirectory);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>POST /connect/token (client credentials) through the gateway.</summary>
    public async Task<HttpResponseMessage> RequestTokenAsync(HttpClient gateway, string? scope, string? secret = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = secret ?? ClientSecret,
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        return await gateway.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    public async Task<string> AccessTokenAsync(HttpClient gateway, string scope)
    {
        var response = await RequestTokenAsync(gateway, scope);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token request failed: {(int)response.StatusCode} {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
