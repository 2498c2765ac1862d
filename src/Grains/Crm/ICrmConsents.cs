namespace Relay.Crm;

/// <summary>
/// GDPR consents of SuperOffice persons (<c>Person.SetConsent</c>, <c>RemoveConsent</c>, <c>GetConsentInfos</c>), which
/// NetServer has from 8.x (Services88); a Services75 connection answers with a permanent <c>ConsentNotSupported</c>.
/// A port of its own, so decorators of <see cref="ICrm"/> are not affected by it.
/// </summary>
public interface ICrmConsents
{
    /// <summary>Registers (or replaces) the person's consent for the purpose.</summary>
    Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default);

    /// <summary>Removes the person's consent for the purpose; removing one that is not there changes nothing.</summary>
    Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default);

    /// <summary>The person's consents as SuperOffice holds them.</summary>
    Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default);
}

/// <summary>A consent to register, by SuperOffice's list keys (e.g. purpose <c>EMAIL</c>, legal base <c>CONSENT</c>).</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-consent")]
public sealed record CrmConsent(
    [property: Id(0)] string PurposeKey,
    [property: Id(1)] string LegalBaseKey,
    [property: Id(2)] string? SourceKey,
    [property: Id(3)] string? Comment);

/// <summary>A consent as SuperOffice holds it, with when it was registered and last updated (UTC).</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-consent-info")]
public sealed record CrmConsentInfo(
    [property: Id(0)] string PurposeKey,
    [property: Id(1)] string? LegalBaseKey,
    [property: Id(2)] string? SourceKey,
    [property: Id(3)] string? Comment,
    [property: Id(4)] DateTimeOffset Registered,
    [property: Id(5)] DateTimeOffset Updated);
