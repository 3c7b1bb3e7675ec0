using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.Web.Services;

/// <summary>One value of an instant query, with its series' labels.</summary>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.GetValueOrDefault(name, "");
}

/// <summary>One series of a range query: its labels and its points, oldest first.</summary>
public sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Points)
{
    public string Label(string name) => Labels.GetValueOrDefault(name, "");
}

/// <summary>An alert Prometheus holds now: pending (its condition holds, not yet for long enough) or firing.</summary>
public sealed record PromAlert(string Name, string State, string Severity, string Job, string Instance, string Summary, string Runbook, DateTimeOffset ActiveAt);

/// <summary>
/// Prometheus' query API (read-only): the Operations page's figures, from the queries the Web itself writes, never
/// from a browser's. <see cref="Configured"/> is false when no Prometheus is given (<c>ConnectionStrings__prometheus</c>).
/// </summary>
public sealed class PrometheusClient(HttpClient http)
{
    public bool Configured => http.BaseAddress is not null;

    public async Task<IReadOnlyList<PromSample>> QueryAsync(string query, CancellationToken ct)
    {
        var data = await GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}", ct);
        return [.. data.GetProperty("result").EnumerateArray().Select(r => new PromSample(Labels(r), Number(r.GetProperty("value")[1])))];
    }

    public async Task<IReadOnlyList<PromSeries>> RangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken ct)
    {
        var data = await GetAsync(
            $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(start)}&end={Seconds(end)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", ct);
        return [.. data.GetProperty("result").EnumerateArray().Select(r => new PromSeries(Labels(r),
            [.. r.GetProperty("values").EnumerateArray().Select(v => (DateTimeOffset.FromUnixTimeMilliseconds((long)(v[0].GetDouble() * 1000)), Number(v[1])))]))];
    }

    public async Task<IReadOnlyList<PromAlert>> AlertsAsync(CancellationToken ct)
    {
        var data = await GetAsync("api/v1/alerts", ct);
        return [.. data.GetProperty("alerts").EnumerateArray().Select(a =>
        {
            var labels = Strings(a.GetProperty("labels"));
            var annotations = Strings(a.GetProperty("annotations"));
            return new PromAlert(labels.GetValueOrDefault("alertname", ""), a.GetProperty("state").GetString() ?? "",
                labels.GetValueOrDefault("severity", ""), labels.GetValueOrDefault("job", ""), labels.GetValueOrDefault("instance", ""),
                annotations.GetValueOrDefault("summary", ""), annotations.GetValueOrDefault("runbook", ""),
                a.TryGetProperty("activeAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : default);
        })];
    }

    private async Task<JsonElement> GetAsync(string path, CancellationToken ct)
    {
        if (!Configured)
        {
            throw new InvalidOperationException("No Prometheus is configured (ConnectionStrings__prometheus).");
        }
        var answer = await http.GetFromJsonAsync<JsonElement>(path, ct);
        if (answer.GetProperty("status").GetString() != "success")
        {
            throw new HttpRequestException($"Prometheus refused a query: {answer.GetProperty("error").GetString()}");
        }
        return answer.GetProperty("data");
    }

    private static Dictionary<string, string> Labels(JsonElement result) => Strings(result.GetProperty("metric"));

    private static Dictionary<string, string> Strings(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");

    /// <summary>Prometheus writes values as strings, with NaN and ±Inf spelled out.</summary>
    private static double Number(JsonElement value) => value.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
