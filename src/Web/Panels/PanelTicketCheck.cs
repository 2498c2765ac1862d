using Relay.Crm;
using Relay.Crm.Lookups;

namespace Relay.Web.Panels;

/// <summary>
/// Asks a silo who a SuperOffice ticket belongs to, for the panel gate and the Online pop-up sign-in alike. A failure that
/// is not the user's (busy, SuperOffice or the cluster not answering, no NetServer) is answered here with its page.
/// </summary>
internal static class PanelTicketCheck
{
    /// <summary>
    /// The ticket's user. <c>Answered</c> is true when a page has been written; otherwise a null user means the ticket is
    /// not valid and the caller says so.
    /// </summary>
    public static async Task<(bool Answered, CrmUser? User)> ResolveAsync(HttpContext context, IGrainFactory grains, string tenant, string ticket, ILogger logger)
    {
        try
        {
            return (false, await grains.GetGrain<ICrmLookupGrain>(tenant).ResolveUserTicketAsync(ticket, context.RequestAborted));
        }
        catch (CrmException ex) when (ex.ErrorType == TicketCheckAdmission.BusyErrorType)
        {
            context.Response.Headers.RetryAfter = PanelRateLimiting.RetryAfterSeconds(ex.RetryAfter);
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "Too many sign-ins just now", "Relay is checking many SuperOffice sign-ins for this installation at the moment. Try again in a moment.");
        }
        catch (CrmException ex) when (ex.Kind != CrmErrorKind.Permanent)
        {
            logger.LogWarning(ex, "Ticket check for tenant {Tenant} failed", tenant);
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "SuperOffice did not answer", "Relay could not check your SuperOffice sign-in just now. Try again in a moment.");
        }
        catch (CrmException ex) when (ex.ErrorType == UnsupportedCrmPorts.ErrorType)
        {
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "Panels need SuperOffice", "This Relay runs without a NetServer connection (Relay:Crm:Mode), so it cannot check who you are.");
        }
        catch (CrmException ex)
        {
            logger.LogInformation("Ticket check for tenant {Tenant} refused: {Error}", tenant, ex.ErrorType);
            return (false, null);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            logger.LogWarning(ex, "Ticket check for tenant {Tenant} could not reach the cluster", tenant);
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "Relay is busy", "Relay could not check your SuperOffice sign-in just now. Try again in a moment.");
        }

        return (true, null);
    }
}
