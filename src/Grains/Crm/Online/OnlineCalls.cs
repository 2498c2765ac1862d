using Relay.Crm.NetServer;

namespace Relay.Crm.Online;

/// <summary>
/// Runs an Online tenant's NetServer call at the host its state names, with Relay's <c>ApplicationToken</c>. A tenant
/// that moved (HTTP 421) is looked up again and the call repeated, at most <see cref="MaxMoves"/> times; a tenant that
/// does not run is not called at all. Both fail transiently with a <see cref="CrmException.RetryAfter"/>, so the work
/// waits without spending an attempt and no circuit counts them.
/// </summary>
internal sealed class OnlineCalls(OnlineTenantLocator locator, OnlineOptions options)
{
    /// <summary>How often one call follows the tenant to a new host before it gives up for a moment.</summary>
    public const int MaxMoves = 2;

    /// <summary>How long work waits after a tenant kept moving: SuperOffice is in the middle of moving it.</summary>
    public static readonly TimeSpan MovedRetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="call"/> with the tenant's endpoint and the application token.</summary>
    public Task<T> RunAsync<T>(CrmConnection connection, Func<NetServerEndpoint, string, Task<T>> call, CancellationToken cancellationToken) =>
        RunAtStateAsync(connection, (state, applicationToken) => call(NetServerEndpoint.From(connection, state.Endpoint), applicationToken), cancellationToken);

    /// <summary>Runs <paramref name="call"/> with the tenant's current state (where its SOAP and REST services are) and the application token.</summary>
    public async Task<T> RunAtStateAsync<T>(CrmConnection connection, Func<OnlineTenantState, string, Task<T>> call, CancellationToken cancellationToken)
    {
        var applicationToken = options.IsConfigured
            ? options.ClientSecret!
            : throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineNotConfigured, $"Tenant {connection.TenantId}: Relay has no Online application identity; set Relay:Online:ClientId and ClientSecret.");
        var state = await locator.GetAsync(connection, cancellationToken).ConfigureAwait(false);
        for (var moves = 0; ; moves++)
        {
            if (!state.IsRunning)
            {
                throw NotRunning(connection, state, null);
            }

            try
            {
                return await call(state, applicationToken).ConfigureAwait(false);
            }
            catch (CrmException e) when (e.ErrorType == OnlineErrors.TenantMoved)
            {
                if (moves >= MaxMoves)
                {
                    throw new CrmException(CrmErrorKind.Transient, OnlineErrors.TenantMoved, $"Tenant {connection.TenantId}: {state.ContextIdentifier} kept moving; trying again shortly.", e)
                    {
                        RetryAfter = MovedRetryAfter,
                    };
                }

                state = await locator.RefreshAsync(connection, state, cancellationToken).ConfigureAwait(false);
            }
            catch (CrmException e) when (e.Kind == CrmErrorKind.Transient && e.RetryAfter is null)
            {
                // A tenant being paused answers 503 or drops connections until its state says so; the state decides.
                if (await FreshStateAsync(connection, state, cancellationToken).ConfigureAwait(false) is { IsRunning: false } paused)
                {
                    throw NotRunning(connection, paused, e);
                }

                throw;
            }
        }
    }

    private async Task<OnlineTenantState?> FreshStateAsync(CrmConnection connection, OnlineTenantState seen, CancellationToken cancellationToken)
    {
        try
        {
            return await locator.RefreshAsync(connection, seen, cancellationToken).ConfigureAwait(false);
        }
        catch (CrmException)
        {
            // The call's own failure says more than the state's.
            return null;
        }
    }

    private CrmException NotRunning(CrmConnection connection, OnlineTenantState state, Exception? inner) =>
        new(CrmErrorKind.Transient, OnlineErrors.TenantNotRunning, $"Tenant {connection.TenantId}: Online tenant {state.ContextIdentifier} is {state.State}; its CRM work waits until it runs again.", inner)
        {
            RetryAfter = options.NotRunningRetryAfter,
        };
}
