using System.Net;
using System.Text.RegularExpressions;

namespace Relay.Hosting;

/// <summary>
/// Where the Azure providers keep the cluster, section <c>Relay:Orleans:Azure</c>: a storage account connection
/// string (keys, or Azurite's development account), or the three service URIs reached with
/// <c>DefaultAzureCredential</c> (managed identity in Azure, developer sign-in elsewhere).
/// </summary>
public sealed partial class AzureSettings
{
    /// <summary>The smallest and largest number of trigger queues.</summary>
    public const int MinQueues = 1, MaxQueues = 64;

    /// <summary>A storage account connection string; use this or the service URIs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Table service, e.g. <c>https://account.table.core.windows.net</c>: clustering, state, reminders.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>The Blob service, e.g. <c>https://account.blob.core.windows.net</c>: large per-tenant indexes.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>The Queue service, e.g. <c>https://account.queue.core.windows.net</c>: trigger streams.</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary>The client id of a user-assigned managed identity, when the service URIs are used with one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>How many Azure queues carry triggers; silos share them out, so more queues spread load over more silos.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>How long a trigger taken from a queue stays invisible before another silo may take it (a crashed silo's).</summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a silo keeps trying to deliver one trigger batch to its contact (whose state cannot be read or written)
    /// before it gives the batch back to its queue, to be delivered again once it is visible again.
    /// </summary>
    public TimeSpan DeliveryWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often one storage request is tried again, with exponential backoff, before the call fails (the SDK's 3).</summary>
    public int StorageRetries { get; set; } = 3;

    /// <summary>
    /// How long one try of a storage request may take (the SDK's 100 s). Shorter makes a frozen service count as failing
    /// sooner, but a busy one fails too: 5 s made a loaded storage account refuse ingest in a failover test.
    /// </summary>
    public TimeSpan StorageTryTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Whether the settings name service URIs (credential-based access) rather than a connection string.</summary>
    public bool UsesServiceUris => string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The queue names of the trigger stream: <c>{serviceId}-triggers-{n}</c>.</summary>
    public IReadOnlyList<string> QueueNames(string serviceId) =>
        [.. Enumerable.Range(0, QueueCount).Select(i => $"{serviceId}-{RelayStorage.TriggerStreamProvider}-{i}")];

    /// <summary>Every problem with the Azure settings, each naming its setting.</summary>
    public IEnumerable<string> Validate(string serviceId)
    {
        const string prefix = "Relay:Orleans:Azure:";
        var uris = new[] { (nameof(TableServiceUri), TableServiceUri), (nameof(BlobServiceUri), BlobServiceUri), (nameof(QueueServiceUri), QueueServiceUri) };
        var given = uris.Where(u => !string.IsNullOrWhiteSpace(u.Item2)).ToList();
        if (!UsesServiceUris && given.Count > 0)
        {
            yield return $"{prefix}ConnectionString and {prefix}{given[0].Item1} are both set; use the connection string or the service URIs, not both";
        }
        else if (UsesServiceUris)
        {
            if (given.Count == 0)
            {
                yield return $"{prefix}ConnectionString, or {prefix}TableServiceUri, BlobServiceUri and QueueServiceUri (with DefaultAzureCredential), is required when Relay:Orleans:Providers is 'Azure'";
            }
            else
            {
                foreach (var (name, value) in uris)
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        yield return $"{prefix}{name} is required with the other service URIs";
                    }
                    else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                    {
                        yield return $"{prefix}{name} must be an absolute http(s) URL (got '{value}')";
                    }
                }
            }
        }
        else if (!ConnectionString!.Contains('=', StringComparison.Ordinal))
        {
            yield return $"{prefix}ConnectionString is not a storage connection string (expected 'Name=value;…' pairs)";
        }

        if (QueueCount is < MinQueues or > MaxQueues)
        {
            yield return $"{prefix}QueueCount must be between {MinQueues} and {MaxQueues} (got {QueueCount})";
        }

        if (MessageVisibilityTimeout < TimeSpan.FromSeconds(5))
        {
            yield return $"{prefix}MessageVisibilityTimeout must be at least 5 seconds (got {MessageVisibilityTimeout})";
        }

        if (DeliveryWindow < TimeSpan.FromSeconds(1))
        {
            yield return $"{prefix}DeliveryWindow must be at least 1 second (got {DeliveryWindow})";
        }

        if (StorageRetries is < 0 or > 10)
        {
            yield return $"{prefix}StorageRetries must be between 0 and 10 (got {StorageRetries})";
        }

        if (StorageTryTimeout < TimeSpan.FromSeconds(1))
        {
            yield return $"{prefix}StorageTryTimeout must be at least 1 second (got {StorageTryTimeout})";
        }

        // Queue names are {serviceId}-triggers-{n}: lowercase letters, digits and single dashes, at most 63 characters.
        var longest = $"{serviceId}-{RelayStorage.TriggerStreamProvider}-{MaxQueues - 1}".Length;
        if (!string.IsNullOrWhiteSpace(serviceId) && (!QueueNamePart().IsMatch(serviceId) || longest > 63))
        {
            yield return $"Relay:Orleans:ServiceId must be 1–{63 - (longest - serviceId.Length)} lowercase letters, digits and single dashes, starting with a letter or digit, because Azure queue names are made from it (got '{serviceId}')";
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?!-))*$")]
    private static partial Regex QueueNamePart();
}

/// <summary>Rules for the endpoint settings that every provider set shares.</summary>
public static class EndpointRules
{
    /// <summary>Problems with <c>Relay:Orleans:AdvertisedIPAddress</c>.</summary>
    public static IEnumerable<string> ValidateEndpoints(this OrleansSettings o)
    {
        if (!string.IsNullOrWhiteSpace(o.AdvertisedIPAddress) && !IPAddress.TryParse(o.AdvertisedIPAddress, out _))
        {
            yield return $"Relay:Orleans:AdvertisedIPAddress must be an IP address (got '{o.AdvertisedIPAddress}')";
        }

        if (!string.IsNullOrWhiteSpace(o.AdvertisedIPAddress) && o.Providers is ProviderKind.Embedded)
        {
            yield return "Relay:Orleans:AdvertisedIPAddress needs Relay:Orleans:Providers 'Azure'; embedded silos use localhost";
        }
    }
}
