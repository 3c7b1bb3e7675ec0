using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.MemberStates;

namespace PocDirectory.UnitTests;

public sealed class OutboxTests
{
    private static readonly MemberStatePublished Kenya = new()
    {
        Iso2 = "KE", Iso3 = "KEN", Name = "Kenya", RegionalGroup = "African", UnStatus = "Member", Revision = 3,
    };

    [Fact]
    public void A_stored_event_reads_back_as_the_same_record_and_type()
    {
        var row = OutboxMessage.Create(Kenya);

        var (message, type) = Read(row);

        Assert.Equal(typeof(MemberStatePublished), type);
        Assert.Equal(Kenya, message);
        Assert.NotEqual(Guid.Empty, row.MessageId);
        Assert.Null(row.SentAt);
    }

    [Fact]
    public void A_stored_event_keeps_the_trace_of_a_recorded_change_and_nothing_otherwise()
    {
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "tests.outbox",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var source = new System.Diagnostics.ActivitySource("tests.outbox");

        var untraced = OutboxMessage.Create(Kenya);
        using var change = source.StartActivity("approve")!;
        var traced = OutboxMessage.Create(Kenya);

        Assert.Null(untraced.TraceParent);
        Assert.Equal($"00-{change.TraceId}-{change.SpanId}-01", traced.TraceParent);
    }

    [Fact]
    public void Each_stored_event_gets_its_own_message_id()
    {
        Assert.NotEqual(OutboxMessage.Create(Kenya).MessageId, OutboxMessage.Create(Kenya).MessageId);
    }

    [Fact]
    public void Type_names_carry_no_assembly_version_so_upgrades_still_resolve()
    {
        var name = OutboxMessage.TypeName(typeof(MemberStatePublished));
        Assert.Equal("PocDirectory.Contracts.MemberStates.MemberStatePublished, PocDirectory.Contracts", name);
        Assert.DoesNotContain("Version=", name);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(7, 5000)]
    [InlineData(1000, 5000)]
    public void Retry_delay_doubles_from_100_ms_up_to_the_cap(int failures, int expectedMs)
    {
        var options = new OutboxOptions { MaxRetryDelay = TimeSpan.FromSeconds(5) };
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.RetryDelay(failures));
    }

    [Fact]
    public void A_row_whose_type_vanished_is_recognised_as_poison()
    {
        var row = OutboxMessage.Create(Kenya);
        typeof(OutboxMessage).GetProperty(nameof(OutboxMessage.MessageType))!.SetValue(row, "PocDirectory.Contracts.Gone, PocDirectory.Contracts");

        var error = Assert.Throws<OutboxPoisonException>(() => row.Deserialize(out _));
        Assert.Contains("PocDirectory.Contracts.Gone", error.Message);
    }

    private static (object Message, Type Type) Read(OutboxMessage row)
    {
        var message = row.Deserialize(out var type);
        return (message, type);
    }
}
