using Relay.Crm;

namespace Relay.Contacts;

/// <summary>
/// Who SuperOffice says a contact is, found with read-only lookups: the person id eMarketeer gave, else the
/// e-mail. The contact grain applies the answer to its state; a dry run only shows it.
/// </summary>
/// <param name="Person">The person to link to, found by <see cref="Source"/>; null when there is none.</param>
/// <param name="Source">How <see cref="Person"/> was found.</param>
/// <param name="Resolution">What the e-mail lookup came to; null when the e-mail was not looked up.</param>
/// <param name="MissingGivenPersonId">A person id eMarketeer gave that SuperOffice does not have.</param>
public sealed record PersonLookup(CrmPerson? Person, LinkSource Source, PersonResolution? Resolution, int? MissingGivenPersonId)
{
    /// <summary>
    /// Looks the contact up: a given person id that differs from the link is checked first; if it does not exist and
    /// the contact is linked, the link stays; otherwise the e-mail decides (<see cref="ContactDecisions.Resolve"/>).
    /// </summary>
    public static async Task<PersonLookup> FindAsync(ICrm crm, CrmConnection connection, ContactState state, CancellationToken cancellationToken)
    {
        int? missing = null;
        if (state.GivenPersonId is { } given && state.Link?.PersonId != given)
        {
            if (await crm.GetPersonAsync(connection, given, cancellationToken) is { } person)
            {
                return new(person, LinkSource.GivenPersonId, null, null);
            }

            missing = given;
            if (state.Link is not null)
            {
                return new(null, LinkSource.GivenPersonId, null, missing);
            }
        }

        var email = state.Fields?.Email;
        var matches = string.IsNullOrEmpty(email) ? [] : await crm.FindPersonsByEmailAsync(connection, email, cancellationToken);
        var resolution = ContactDecisions.Resolve(matches);
        if (resolution is PersonResolution.Link link)
        {
            var person = await crm.GetPersonAsync(connection, link.Person.PersonId, cancellationToken)
                ?? new CrmPerson(link.Person.PersonId, null, null, email, link.Person.CompanyId, link.Person.CompanyName, null);
            return new(person, LinkSource.EmailMatch, resolution, missing);
        }

        return new(null, LinkSource.EmailMatch, resolution, missing);
    }
}
