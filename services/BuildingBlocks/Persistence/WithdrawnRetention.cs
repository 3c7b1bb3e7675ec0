using Microsoft.Extensions.Configuration;

namespace PocDirectory.BuildingBlocks.Persistence;

/// <summary>
/// How long a withdrawn point of contact's details are kept (<c>Retention:WithdrawnDays</c>, 180 days unless set):
/// the directory manager can still answer for a recent withdrawal, then each service removes the person's
/// details from what it keeps (<c>Retention:CheckMinutes</c> between checks, 60 unless set).
/// </summary>
public static class WithdrawnRetention
{
    public const string DaysSetting = "Retention:WithdrawnDays";

    public static TimeSpan Period(IConfiguration configuration)
    {
        var days = configuration.GetValue(DaysSetting, 180);
        return days >= 1
            ? TimeSpan.FromDays(days)
            : throw new InvalidOperationException($"{DaysSetting} must be a whole number of days, at least 1 (it is {days}).");
    }

    public static TimeSpan CheckInterval(IConfiguration configuration) =>
        TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Retention:CheckMinutes", 60)));
}
