using Relay.Consent;
using Relay.Crm;

namespace Relay.Tests.Consent;

/// <summary>The consent rules without a cluster.</summary>
public sealed class ConsentDecisionsTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_older_change_never_replaces_a_newer_record()
    {
        var consents = new Dictionary<string, ConsentRecord>();
        ConsentDecisions.Apply(consents, Record(true, T.AddMinutes(5))).ShouldNotBeNull();
        ConsentDecisions.Apply(consents, Record(false, T)).ShouldBeNull();
        consents["email-marketing"].Granted.ShouldBeTrue();
    }

    [Fact]
    public void Relay_names_map_to_SuperOffice_keys_and_back()
    {
        ConsentDecisions.ToCrmKey("email-marketing").ShouldBe("EMAIL");
        ConsentDecisions.ToCrmKey("legitimate-interest").ShouldBe("LEGITIMATEINTEREST");
        ConsentDecisions.ToCrmKey("newsletter-b2b").ShouldBe("NEWSLETTERB2B");
        ConsentDecisions.FromCrmKey("EMAIL").ShouldBe("email-marketing");
        ConsentDecisions.FromCrmKey("NEWSLETTERB2B").ShouldBe("newsletterb2b");
    }

    [Theory]
    [InlineData(true, "CONSENT", 10, null, ConsentResolution.InSync)]
    [InlineData(true, "LEGITIMATEINTEREST", 10, null, ConsentResolution.TakeFromCrm)]
    [InlineData(true, "LEGITIMATEINTEREST", -10, null, ConsentResolution.PushToCrm)]
    [InlineData(false, "CONSENT", 10, null, ConsentResolution.TakeFromCrm)]
    [InlineData(false, "CONSENT", -10, null, ConsentResolution.PushToCrm)]
    [InlineData(true, null, 0, null, ConsentResolution.PushToCrm)]
    [InlineData(true, null, 0, 1, ConsentResolution.TakeFromCrm)]
    [InlineData(false, null, 0, null, ConsentResolution.InSync)]
    public void Reconciliation_lets_the_latest_change_win(bool relayGranted, string? crmLegalBase, int crmMinutesLater, int? syncedMinutesLater, ConsentResolution expected)
    {
        var relay = Record(relayGranted, T) with { SyncedAt = syncedMinutesLater is { } m ? T.AddMinutes(m) : null };
        var crm = crmLegalBase is null ? null : new CrmConsentInfo("EMAIL", crmLegalBase, null, null, T.AddDays(-1), T.AddMinutes(crmMinutesLater));
        ConsentDecisions.Reconcile(relay, crm).ShouldBe(expected);
    }

    private static ConsentRecord Record(bool granted, DateTimeOffset at) => new("email-marketing", "consent", granted, "form", null, at, ConsentOrigin.Relay, at);
}
