using Relay.Contacts;
using Relay.Tenants;

namespace Relay.Web.Contacts;

/// <summary><c>GET /api/tenants/{tenant}/contacts/{contactId}</c>: a contact's link state, timeline, outbox and outcomes.</summary>
public static class ContactsApi
{
    /// <summary>The largest timeline page.</summary>
    public const int MaxPage = 500;

    /// <summary>Maps the contact endpoint.</summary>
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenant}/contacts/{contactId}", GetContactAsync).WithName("GetContact").RequireAuthorization(RelayPolicies.Read);
        return app;
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> GetContactAsync(string tenant, string contactId, IGrainFactory grains, int skip = 0, int take = 50)
    {
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (contactId.Length is 0 or > Triggers.TriggerParser.MaxIdLength)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid contact id", $"A contact id has 1–{Triggers.TriggerParser.MaxIdLength} characters.");
        }

        var view = await grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).GetViewAsync(Paging.Skip(skip), Paging.Take(take, MaxPage));
        return view is null
            ? Problems.Create(StatusCodes.Status404NotFound, "Unknown contact", $"Relay has received no trigger for contact '{contactId}' of tenant '{tenant}'.")
            : TypedResults.Ok(view);
    }
}
