using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Relay.Contacts;
using Relay.Crm;
using Relay.Hosting;
using Relay.Leads;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Cluster.Tests.Azure;

/// <summary>Relay's Azure provider set against Azurite: Table and Blob state, reminders, queue streams and a restart.</summary>
[Collection(AzureCollection.Name)]
public sealed class AzureProviderTests(AzureClusterFixture fixture)
{
    [Fact]
    public async Task Table_state_survives_a_cluster_restart()
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        var settings = new TenantSettings("Acme", new TenantCrmSettings("memory://acme"), DefaultOwnerAssociateId: 7);
        await using (var first = await fixture.StartClusterAsync(serviceId, new InMemoryCrm()))
        {
            (await first.Client.GetGrain<ITenantGrain>("acme").PutSettingsAsync(settings)).Errors.ShouldBeEmpty();
        }

        var rows = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient(AzureProviders.StateTable)
            .QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(serviceId) >= 0 && e.PartitionKey.CompareTo(serviceId + "~") < 0);
        (await rows.CountAsync()).ShouldBeGreaterThan(0, "the tenant's state is a row of the state table");

        await using var second = await fixture.StartClusterAsync(serviceId, new InMemoryCrm());
        var config = await second.Client.GetGrain<ITenantGrain>("acme").GetConfigAsync();
        config.ShouldNotBeNull().Settings.DisplayName.ShouldBe("Acme");
        config.Settings.DefaultOwnerAssociateId.ShouldBe(7);
    }

    [Fact]
    public async Task Blob_state_holds_more_than_a_table_entity_can_and_survives_a_restart()
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        var large = new string('x', 3 * 1024 * 1024);
        await using (var first = await fixture.StartClusterAsync(serviceId, new InMemoryCrm()))
        {
            await first.Client.GetGrain<ILargeStateProbeGrain>("big").SetAsync(large);
        }

        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(AzureProviders.LargeStateContainer);
        (await container.GetBlobsAsync().AnyAsync(b => b.Name.Contains("big", StringComparison.Ordinal) && b.Properties.ContentLength > large.Length))
            .ShouldBeTrue("the probe's state is a blob larger than 3 MiB");

        await using var second = await fixture.StartClusterAsync(serviceId, new InMemoryCrm());
        (await second.Client.GetGrain<ILargeStateProbeGrain>("big").GetAsync()).ShouldBe(large);
    }

    [Fact]
    public async Task The_lead_index_is_kept_in_blob_storage()
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        await using var cluster = await fixture.StartClusterAsync(serviceId, new InMemoryCrm());
        var tenant = await CreateTenantAsync(cluster.Client, Build.Automation(TriggerType.EmailOpened, new AddInterestAction(5)));

        await SendAsync(cluster.Client, tenant, Build.Trigger(TriggerType.EmailOpened, "c-lead", Build.Email()));

        var page = await Eventually.GetAsync(() => LeadIndex.GetPageAsync(cluster.Client, tenant, 0, 10), p => p.Total == 1, "the new lead to be indexed");
        page.Items[0].ContactId.ShouldBe("c-lead");
        // The index shard answers from memory while its grouped write to the blob may still be under way.
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(AzureProviders.LargeStateContainer);
        await Eventually.GetAsync(
            () => container.GetBlobsAsync().AnyAsync(b => b.Name.Contains(tenant, StringComparison.Ordinal)).AsTask(),
            found => found,
            "the tenant's lead index to be a blob");
    }

    [Fact]
    public async Task A_reminder_fires_and_is_stored_in_the_reminder_table()
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        var key = "probe-" + serviceId;
        await using var cluster = await fixture.StartClusterAsync(serviceId, new InMemoryCrm());

        await cluster.Client.GetGrain<IReminderProbeGrain>(key).RegisterAsync(TimeSpan.FromSeconds(2));
        var reminders = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("OrleansReminders");
        (await reminders.QueryAsync<TableEntity>(e => e.GetString("ServiceId") == serviceId).CountAsync()).ShouldBe(1, "the reminder is a row of the reminder table");

        await Eventually.ThatAsync(() => ReminderProbeGrain.Ticks.ContainsKey(key), "the reminder to fire");
    }

    [Fact]
    public async Task Triggers_reach_their_contact_grains_through_the_azure_queues_in_order()
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        await using var cluster = await fixture.StartClusterAsync(serviceId, new InMemoryCrm(), silos: 2);
        var tenant = await CreateTenantAsync(cluster.Client);
        var contacts = Enumerable.Range(0, 6).Select(i => "c" + i).ToList();
        var triggers = contacts.SelectMany(c => Enumerable.Range(0, 5).Select(n => Build.Trigger(TriggerType.EmailOpened, c, c + "@example.com", second: n))).ToList();

        await SendAsync(cluster.Client, tenant, [.. triggers]);

        foreach (var contact in contacts)
        {
            var view = await Eventually.GetAsync(
                () => cluster.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, contact)).GetViewAsync(0, 10),
                v => v?.TimelineTotal == 5,
                $"contact {contact} to record its five triggers");
            view!.Timeline.Select(t => t.TriggerId).ShouldBe(triggers.Where(t => t.Contact.Id == contact).Select(t => t.Id).Reverse());
        }

        var queues = new QueueServiceClient(fixture.Azurite.ConnectionString).GetQueuesAsync(prefix: serviceId + "-");
        (await queues.Select(q => q.Name).OrderBy(n => n, StringComparer.Ordinal).ToListAsync())
            .ShouldBe(fixture.Settings(serviceId).Azure.QueueNames(serviceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_restarted_silo_resumes_a_contacts_outbox_from_storage()
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        var crm = new InMemoryCrm();
        var email = Build.Email();
        var person = crm.SeedPerson("Ann", "Berg", email);
        var (failing, crmSwitch) = SwitchableCrm.Over(crm);
        crmSwitch.Failing = true;
        string tenant;
        await using (var first = await fixture.StartClusterAsync(serviceId, failing))
        {
            tenant = await CreateTenantAsync(first.Client, Build.Automation(TriggerType.FormSubmitted, new AddInterestAction(42)));
            await SendAsync(first.Client, tenant, Build.Trigger(TriggerType.FormSubmitted, "c-outbox", email));
            var stuck = await Eventually.GetAsync(
                () => first.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c-outbox")).GetViewAsync(0, 10),
                v => v is { TimelineTotal: 1, Outbox.Length: 1 },
                "the trigger to be recorded with its action waiting in the outbox");
            stuck!.Outcomes.ShouldBeEmpty();
        }

        // A new silo, with SuperOffice back, finds the outbox in storage and drains it when the contact wakes up.
        await using var second = await fixture.StartClusterAsync(serviceId, crm);
        var view = await Eventually.GetAsync(
            () => second.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c-outbox")).GetViewAsync(0, 10),
            v => v is { Outbox.Length: 0, Outcomes.Length: 1 },
            "the restarted cluster to drain the stored outbox");
        view!.Outcomes[0].Status.ShouldBe(OutcomeStatus.Succeeded);
        crm.HasInterest(person, 42).ShouldBeTrue();
    }

    private static async Task<string> CreateTenantAsync(IClusterClient client, params Automation[] automations)
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        var tenant = client.GetGrain<ITenantGrain>(tenantId);
        (await tenant.PutSettingsAsync(new TenantSettings("Test", new TenantCrmSettings("memory://" + tenantId), DefaultOwnerAssociateId: 99))).Errors.ShouldBeEmpty();
        (await tenant.PutAutomationsAsync([.. automations])).Errors.ShouldBeEmpty();
        return tenantId;
    }

    private static async Task SendAsync(IClusterClient client, string tenantId, params Trigger[] triggers)
    {
        var provider = client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        foreach (var trigger in triggers)
        {
            var stream = provider.GetStream<TriggerEnvelope>(TriggerLanes.For(tenantId, trigger.Contact.Id));
            await stream.OnNextAsync(new TriggerEnvelope(tenantId, trigger, DateTimeOffset.UtcNow));
        }
    }
}
