using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Relay.Crm.Online;

/// <summary>
/// Where an Online tenant runs now, from <c>GET {environment}/api/state/{ContextIdentifier}</c>: cached per tenant for
/// <see cref="OnlineOptions.StateCacheDuration"/> (a paused one for less), asked again when a call says the tenant moved or stopped. Logs when a
/// tenant pauses and when it resumes.
/// </summary>
public sealed class OnlineTenantLocator : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly OnlineOptions _options;
    private readonly OnlineHttp _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the locator; its requests follow <paramref name="addresses"/> like NetServer calls do.</summary>
    public OnlineTenantLocator(IOptions<OnlineOptions> options, CrmAddressPolicy addresses, ILogger<OnlineTenantLocator>? logger = null, TimeProvider? time = null)
    {
        _options = options.Value;
        _http = new OnlineHttp(addresses);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The tenant's state, from the cache while it is younger than <see cref="OnlineOptions.StateCacheDuration"/>.</summary>
    public async Task<OnlineTenantState> GetAsync(CrmConnection connection, CancellationToken cancellationToken = default)
    {
        var entry = EntryOf(connection);
        return entry.State is { } state && _time.GetUtcNow() - state.CheckedAt < Lifetime(state)
            ? state
            : await RefreshAsync(connection, entry.State, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How long a state is trusted. A paused tenant's state expires before its work comes back (after
    /// <see cref="OnlineOptions.NotRunningRetryAfter"/>), so the returning work sees a resumed tenant at once.
    /// </summary>
    private TimeSpan Lifetime(OnlineTenantState state) =>
        state.IsRunning ? _options.StateCacheDuration : TimeSpan.FromTicks(Math.Min(_options.StateCacheDuration.Ticks, _options.NotRunningRetryAfter.Ticks / 2));

    /// <summary>
    /// Asks the environment again, unless another caller already replaced <paramref name="replacing"/> (the state a failed
    /// call used): callers that see the same move share one request. Null always asks.
    /// </summary>
    public async Task<OnlineTenantState> RefreshAsync(CrmConnection connection, OnlineTenantState? replacing, CancellationToken cancellationToken = default)
    {
        var online = OnlineOf(connection);
        var entry = EntryOf(connection);
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (replacing is not null && entry.State is { } current && current.CheckedAt > replacing.CheckedAt)
            {
                return current;
            }

            var fresh = await FetchAsync(connection.TenantId, online, cancellationToken).ConfigureAwait(false);
            LogChange(connection.TenantId, entry.State, fresh);
            entry.State = fresh;
            return fresh;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<OnlineTenantState> FetchAsync(string tenantId, OnlineConnection online, CancellationToken cancellationToken)
    {
        var environment = _options.EnvironmentBase(online.Environment)
            ?? throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineNotConfigured, $"Tenant {tenantId}: Relay does not know the Online environment '{online.Environment}' (Relay:Online:Environments).");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{environment.ToString().TrimEnd('/')}/api/state/{Uri.EscapeDataString(online.ContextIdentifier)}");
        var json = await _http.SendAsync(
            request,
            "Online state",
            () => new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineTenantNotFound, $"Tenant {tenantId}: the {online.Environment} environment has no tenant '{online.ContextIdentifier}'."),
            cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var endpoint = Text(root, "Endpoint");
            var state = Text(root, "State") ?? "Unknown";
            var running = Property(root, "IsRunning") is { ValueKind: JsonValueKind.True };
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            {
                throw new CrmException(CrmErrorKind.Transient, "MalformedResponse", $"Tenant {tenantId}: the Online state of '{online.ContextIdentifier}' names no endpoint.");
            }

            var api = Text(root, "Api") is { } apiText && Uri.TryCreate(apiText, UriKind.Absolute, out var apiUri) && (apiUri.Scheme == Uri.UriSchemeHttps || apiUri.Scheme == Uri.UriSchemeHttp)
                ? apiText.TrimEnd('/')
                : null;
            return new OnlineTenantState(online.ContextIdentifier, online.Environment, endpoint!.TrimEnd('/'), state, running, _time.GetUtcNow(), api);
        }
        catch (JsonException e)
        {
            throw new CrmException(CrmErrorKind.Transient, "MalformedResponse", $"Tenant {tenantId}: the Online state of '{online.ContextIdentifier}' was not readable JSON.", e);
        }
    }

    private void LogChange(string tenantId, OnlineTenantState? before, OnlineTenantState now)
    {
        if (!now.IsRunning && before?.IsRunning != false)
        {
            _logger.LogWarning("Tenant {TenantId}: Online tenant {ContextIdentifier} is {State}; its CRM work pauses until it runs again", tenantId, now.ContextIdentifier, now.State);
        }
        else if (now.IsRunning && before is { IsRunning: false })
        {
            _logger.LogInformation("Tenant {TenantId}: Online tenant {ContextIdentifier} runs again at {Endpoint}; its CRM work resumes", tenantId, now.ContextIdentifier, now.Endpoint);
        }
    }

    private static JsonElement? Property(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object
            ? root.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault()
            : null;

    private static string? Text(JsonElement root, string name) =>
        Property(root, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private Entry EntryOf(CrmConnection connection) => _entries.GetOrAdd(KeyOf(connection), _ => new Entry());

    private static string KeyOf(CrmConnection connection)
    {
        var online = OnlineOf(connection);
        return $"{connection.TenantId}|{online.Environment.ToUpperInvariant()}|{online.ContextIdentifier.ToUpperInvariant()}";
    }

    internal static OnlineConnection OnlineOf(CrmConnection connection) =>
        connection.Online ?? throw new CrmException(CrmErrorKind.Permanent, "InvalidConfiguration", $"Tenant {connection.TenantId} is not a SuperOffice CRM Online tenant.");

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public OnlineTenantState? State { get; set; }
    }
}
