namespace Relay.Triggers;

/// <summary>The interaction types of trigger contract version 1.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(TriggerTypeJsonConverter))]
public enum TriggerType
{
    /// <summary><c>email.opened</c></summary>
    EmailOpened = 0,

    /// <summary><c>email.clicked</c></summary>
    EmailClicked = 1,

    /// <summary><c>form.submitted</c></summary>
    FormSubmitted = 2,

    /// <summary><c>sms.clicked</c></summary>
    SmsClicked = 3,

    /// <summary><c>landingpage.visited</c></summary>
    LandingPageVisited = 4,

    /// <summary><c>consent.changed</c></summary>
    ConsentChanged = 5,

    /// <summary><c>app.event</c>: something the contact did in one of the tenant's apps, named by the app.</summary>
    AppEvent = 6,
}

/// <summary>One interaction event from eMarketeer, validated. <see cref="Id"/> is the dedupe key.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.trigger")]
public sealed record Trigger(
    [property: Id(0)] string Id,
    [property: Id(1)] TriggerType Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] ContactFields Contact,
    [property: Id(4)] ContentRef? Content = null,
    [property: Id(5)] string? LinkUrl = null,
    [property: Id(6)] FormSubmission? Form = null,
    [property: Id(7)] ConsentChange? Consent = null,
    [property: Id(8)] AppEventData? App = null);

/// <summary>The contact's mapped fields as eMarketeer knows them.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.contact-fields")]
public sealed record ContactFields(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Email = null,
    [property: Id(2)] string? FirstName = null,
    [property: Id(3)] string? LastName = null,
    [property: Id(4)] string? Title = null,
    [property: Id(5)] string? Phone = null,
    [property: Id(6)] string? Mobile = null,
    [property: Id(7)] int? CrmPersonId = null,
    [property: Id(8)] CompanyFields? Company = null)
{
    /// <summary>First and last name, or the e-mail when there is no name.</summary>
    public string DisplayName =>
        $"{FirstName} {LastName}".Trim() is { Length: > 0 } name ? name : Email ?? Id;
}

/// <summary>The contact's company fields.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.company-fields")]
public sealed record CompanyFields(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Country = null,
    [property: Id(2)] string? Category = null,
    [property: Id(3)] string? Industry = null,
    [property: Id(4)] string? OrgNr = null);

/// <summary>The marketing content a trigger concerns.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.content-ref")]
public sealed record ContentRef([property: Id(0)] string Id, [property: Id(1)] string? Name = null);

/// <summary>A submitted form and its fields.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.form-submission")]
public sealed record FormSubmission([property: Id(0)] string Id, [property: Id(1)] ImmutableDictionary<string, string> Fields);

/// <summary>A change of the contact's consent for one purpose.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.consent-change")]
public sealed record ConsentChange(
    [property: Id(0)] string Purpose,
    [property: Id(1)] string LegalBasis,
    [property: Id(2)] bool Granted,
    [property: Id(3)] string? Source = null,
    [property: Id(4)] string? Comment = null);

/// <summary>
/// What an <c>app.event</c> trigger carries: the app's name for the event (what automations match) and its optional
/// properties, a flat map of short strings.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.app-event")]
public sealed record AppEventData([property: Id(0)] string Name, [property: Id(1)] ImmutableDictionary<string, string> Properties);

/// <summary>A trigger on its way to a contact grain: which tenant it belongs to and when Relay accepted it.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.trigger-envelope")]
public sealed record TriggerEnvelope(
    [property: Id(0)] string TenantId,
    [property: Id(1)] Trigger Trigger,
    [property: Id(2)] DateTimeOffset AcceptedAt);
