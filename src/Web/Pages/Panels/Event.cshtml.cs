using Microsoft.AspNetCore.Mvc;
using Relay.Crm;
using Relay.Events;
using Relay.Web.Panels;

namespace Relay.Web.Pages.Panels;

/// <summary>Event details: why a sale (<c>said</c>) or appointment (<c>baid</c>) Relay created exists.</summary>
public sealed class EventModel(IGrainFactory grains) : PanelPageModel
{
    /// <summary>The SuperOffice sale id (<c>&lt;said&gt;</c>).</summary>
    [FromQuery(Name = "said")]
    public int? SaleId { get; set; }

    /// <summary>The SuperOffice appointment id (<c>&lt;baid&gt;</c>).</summary>
    [FromQuery(Name = "baid")]
    public int? AppointmentId { get; set; }

    /// <summary>What the URL asks about, in words.</summary>
    public string Subject => SaleId is > 0 ? "sale" : "activity";

    /// <summary>The details; null when Relay did not create the object.</summary>
    public EventDetails? Details { get; private set; }

    public async Task OnGetAsync()
    {
        var key = (SaleId, AppointmentId) switch
        {
            ({ } sale, _) when sale > 0 => CrmObjectKey.Of(Tenant, CrmObjectKind.Sale, sale),
            (_, { } appointment) when appointment > 0 => CrmObjectKey.Of(Tenant, CrmObjectKind.Appointment, appointment),
            _ => null,
        };
        Details = key is null ? null : await grains.GetGrain<ICrmObjectGrain>(key).GetAsync();
        if (Details is null)
        {
            Response.StatusCode = key is null ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound;
        }
    }
}
