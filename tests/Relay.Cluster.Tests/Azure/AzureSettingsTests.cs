using Microsoft.Extensions.Configuration;
using Relay.Hosting;

namespace Relay.Cluster.Tests.Azure;

/// <summary>Start-up validation of the Azure provider settings: each problem names its setting.</summary>
public sealed class AzureSettingsTests
{
    [Fact]
    public void A_connection_string_is_enough()
    {
        From(("Providers", "Azure"), ("Azure:ConnectionString", "UseDevelopmentStorage=true")).Orleans.Azure.UsesServiceUris.ShouldBeFalse();
    }

    [Fact]
    public void Three_service_uris_use_the_default_azure_credential()
    {
        var options = From(("Providers", "Azure"), ("Azure:TableServiceUri", "https://a.table.core.windows.net"),
            ("Azure:BlobServiceUri", "https://a.blob.core.windows.net"), ("Azure:QueueServiceUri", "https://a.queue.core.windows.net"));
        options.Orleans.Azure.UsesServiceUris.ShouldBeTrue();
    }

    [Theory]
    [InlineData("Relay:Orleans:Azure:ConnectionString, or Relay:Orleans:Azure:TableServiceUri", "Providers=Azure")]
    [InlineData("Relay:Orleans:Azure:BlobServiceUri is required", "Providers=Azure", "Azure:TableServiceUri=https://a.table.core.windows.net", "Azure:QueueServiceUri=https://a.queue.core.windows.net")]
    [InlineData("Relay:Orleans:Azure:QueueServiceUri must be an absolute http(s) URL", "Providers=Azure", "Azure:TableServiceUri=https://t", "Azure:BlobServiceUri=https://b", "Azure:QueueServiceUri=queues")]
    [InlineData("Relay:Orleans:Azure:ConnectionString and Relay:Orleans:Azure:TableServiceUri are both set", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "Azure:TableServiceUri=https://t")]
    [InlineData("Relay:Orleans:Azure:ConnectionString is not a storage connection string", "Providers=Azure", "Azure:ConnectionString=secret")]
    [InlineData("Relay:Orleans:Azure:QueueCount must be between 1 and 64 (got 0)", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "Azure:QueueCount=0")]
    [InlineData("Relay:Orleans:Azure:DeliveryWindow must be at least 1 second", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "Azure:DeliveryWindow=00:00:00")]
    [InlineData("Relay:Orleans:Azure:StorageRetries must be between 0 and 10 (got 11)", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "Azure:StorageRetries=11")]
    [InlineData("Relay:Orleans:Azure:StorageTryTimeout must be at least 1 second", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "Azure:StorageTryTimeout=00:00:00.5")]
    [InlineData("Relay:Orleans:ServiceId must be", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "ServiceId=Relay_Prod")]
    [InlineData("Relay:Orleans:AdvertisedIPAddress must be an IP address (got 'pod')", "Providers=Azure", "Azure:ConnectionString=UseDevelopmentStorage=true", "AdvertisedIPAddress=pod")]
    [InlineData("Relay:Orleans:Providers must be 'Embedded' or 'Azure'", "Providers=7")]
    public void A_wrong_setting_stops_start_up_with_its_name(string message, params string[] settings)
    {
        var error = Should.Throw<InvalidOperationException>(() => From([.. settings.Select(s => (s[..s.IndexOf('=', StringComparison.Ordinal)], s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..]))]));
        error.Message.ShouldStartWith("Relay cannot start: ");
        error.Message.ShouldContain(message);
    }

    [Fact]
    public void Queue_names_follow_the_service_id_and_the_queue_count()
    {
        new AzureSettings { QueueCount = 3 }.QueueNames("relay").ShouldBe(["relay-triggers-0", "relay-triggers-1", "relay-triggers-2"]);
    }

    private static RelayHostOptions From(params (string Key, string Value)[] orleans) =>
        RelayHostOptions.From(new ConfigurationBuilder().AddInMemoryCollection(orleans.Select(s => KeyValuePair.Create("Relay:Orleans:" + s.Key, (string?)s.Value))).Build());
}
